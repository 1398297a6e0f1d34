import Foundation
import GRDB
public import StoregateCore

/// A verified downlink message's effect on the ledger (what HQ asked for), applied in one transaction together
/// with the stream's new sequence number.
public enum DownlinkChange: Sendable, Equatable {
    public struct Policy: Sendable, Equatable {
        public var region: String?
        public var allowProvisional: Bool?
        public var undoWindowMilliseconds: Int64?
        public var undoSameLaneOrOperatorOnly: Bool?
        public var maxTimeWithoutSyncMilliseconds: Int64?
        public var returnWindowMilliseconds: Int64?
        public var campaigns: [CampaignPolicy]

        public init(region: String? = nil, allowProvisional: Bool? = nil, undoWindowMilliseconds: Int64? = nil,
                    undoSameLaneOrOperatorOnly: Bool? = nil, maxTimeWithoutSyncMilliseconds: Int64? = nil,
                    returnWindowMilliseconds: Int64? = nil, campaigns: [CampaignPolicy] = []) {
            self.region = region
            self.allowProvisional = allowProvisional
            self.undoWindowMilliseconds = undoWindowMilliseconds
            self.undoSameLaneOrOperatorOnly = undoSameLaneOrOperatorOnly
            self.maxTimeWithoutSyncMilliseconds = maxTimeWithoutSyncMilliseconds
            self.returnWindowMilliseconds = returnWindowMilliseconds
            self.campaigns = campaigns
        }
    }

    public struct Keys: Sendable, Equatable {
        /// The downlink key that signed the message: it may not retire itself (`Ledger.writeKeys(_:db:at:)`).
        public var signedBy: String?
        public var addCodeKeys: [String: String] = [:]
        public var retireCodeKeys: [String] = []
        public var addDownlinkKeys: [String: String] = [:]
        public var retireDownlinkKeys: [String] = []
        public init() {}
    }

    /// Nothing but the sync time and the stream's sequence (sync beacons, commands, code batches imported before).
    case none
    /// (canonical code id, reason). Codes not registered are registered as revoked, so they stay blocked.
    case revocations([(String, String)])
    case policy(Policy)
    case keys(Keys)

    public static func == (lhs: DownlinkChange, rhs: DownlinkChange) -> Bool {
        switch (lhs, rhs) {
        case (.none, .none): true
        case (.revocations(let a), .revocations(let b)): a.elementsEqual(b, by: { $0.0 == $1.0 && $0.1 == $1.1 })
        case (.policy(let a), .policy(let b)): a == b
        case (.keys(let a), .keys(let b)): a == b
        default: false
        }
    }
}

/// Where an applied downlink message came from, for its `downlink` journal event (and its freshness record).
public struct DownlinkOrigin: Sendable, Equatable {
    /// `codes`, `revocations`, `policy`, `keys`, `commands` or `sync`.
    public var kind: String
    /// The downlink key that signed it.
    public var keyID: String?
    /// HQ's `issued_ms`.
    public var issued: Timestamp
    /// A code batch: codes in the message, and how many of them were new to this ledger.
    public var codes: Int?
    public var codesRegistered: Int?
    /// A command: its name, and for `requeue` the range asked for.
    public var command: String?
    public var fromSeq: Int64?
    public var toSeq: Int64?

    public init(kind: String, keyID: String? = nil, issued: Timestamp, codes: Int? = nil, codesRegistered: Int? = nil,
                command: String? = nil, fromSeq: Int64? = nil, toSeq: Int64? = nil) {
        self.kind = kind
        self.keyID = keyID
        self.issued = issued
        self.codes = codes
        self.codesRegistered = codesRegistered
        self.command = command
        self.fromSeq = fromSeq
        self.toSeq = toSeq
    }
}

/// What the ledger knows about a downlink stream.
public struct DownlinkStreamState: Sendable, Equatable {
    public var seq: Int64
    /// SHA-256 hex of the payload applied at `seq`: the same message again is a harmless redelivery.
    public var payloadHash: String
    public var applied: Timestamp
}

extension SettingKey {
    static let lastDownlinkSync = "last_downlink_sync_ms"
    static let maxTimeWithoutSync = "max_time_without_sync_ms"
    /// The newest `issued_ms` of any applied downlink message: HQ's own clock, a floor under the store's when a
    /// message's age is judged.
    static let newestDownlinkIssued = "newest_downlink_issued_ms"
    /// Set by migration v7 and replaced whenever the downlink streams are found rolled back (``Ledger/renewDownlinkEpoch(reason:at:)``).
    static let downlinkEpoch = "downlink_epoch"
}

extension Ledger {
    // MARK: - HQ downlink keys (separate from the code-signing keys in `trusted_keys`)

    /// The active downlink verification keys, key id → base64url raw Ed25519 public key.
    public func downlinkKeys() throws -> [String: String] {
        try self.writer.read { db in
            var keys: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key_id, public_key FROM downlink_keys WHERE retired_ms IS NULL") {
                keys[row[0]] = row[1]
            }
            return keys
        }
    }

    /// Trusts a downlink key by hand (`storegate hq trust`), under the ``KeyTable`` rules: a retired key id is
    /// refused, so is another key behind a known id, and the same key again changes nothing.
    public func addDownlinkKey(keyID: String, publicKey: String, at time: Timestamp) throws {
        guard !keyID.isEmpty, !publicKey.isEmpty else { throw LedgerError(.invalidValue, "downlink key id and key must not be empty") }
        try self.writer.write { db in try KeyTable.downlink.add(db, keyID: keyID, publicKey: publicKey, at: time) }
    }

    /// Trusts `keys` (the config file's `[downlink] keys`) only if the ledger has never had a downlink key, and
    /// says whether it did. After the first key, HQ's signed `keys` messages own the table: a config file that
    /// still names a key HQ retired must not bring it back at the next start.
    @discardableResult
    public func bootstrapDownlinkKeys(_ keys: [String: String], at time: Timestamp) throws -> Bool {
        guard !keys.isEmpty else { return false }
        return try self.writer.write { db in
            guard try KeyTable.downlink.isEmpty(db) else { return false }
            for (keyID, publicKey) in keys.sorted(by: { $0.key < $1.key }) {
                guard !keyID.isEmpty, !publicKey.isEmpty else {
                    throw LedgerError(.invalidValue, "downlink key id and key must not be empty")
                }
                try KeyTable.downlink.add(db, keyID: keyID, publicKey: publicKey, at: time)
            }
            return true
        }
    }

    // MARK: - Streams and sync

    public func downlinkStream(_ stream: String) throws -> DownlinkStreamState? {
        try self.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT seq, payload_hash, applied_ms FROM downlink_streams WHERE stream = ?", arguments: [stream])
                .map { DownlinkStreamState(seq: $0[0], payloadHash: $0[1], applied: Timestamp(milliseconds: $0[2])) }
        }
    }

    /// Every downlink stream and the seq applied last (for the status: HQ sees where each stream stands).
    public func downlinkStreams() throws -> [String: Int64] {
        try self.writer.read { db in
            var streams: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT stream, seq FROM downlink_streams") { streams[row[0]] = row[1] }
            return streams
        }
    }

    /// The downlink epoch (migration v7): a random id for this ledger's run of downlink streams, in the status and
    /// the heartbeat. It changes when the streams are found rolled back, and a new ledger has a new one, so HQ can
    /// tell that what it sent before is gone and send its current state again.
    public func downlinkEpoch() throws -> String {
        try self.writer.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = ?", arguments: [SettingKey.downlinkEpoch]) ?? ""
        }
    }

    /// Compares the downlink streams with what a previous run saw under the same epoch (`seen`, from the status
    /// file it left): if any stream is behind, the ledger was restored from a copy older than that run, HQ's
    /// messages since are gone and old ones would apply again — the epoch is replaced (one transaction) and the
    /// new one returned. Nil when nothing was rolled back or `seenEpoch` is not the ledger's epoch.
    public func renewDownlinkEpochIfRolledBack(seenEpoch: String, seenStreams: [String: Int64]) throws -> String? {
        let renewed: String? = try self.writer.write { db in
            let epoch = try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = ?", arguments: [SettingKey.downlinkEpoch])
            guard let epoch, epoch == seenEpoch else { return nil }
            var current: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT stream, seq FROM downlink_streams") { current[row[0]] = row[1] }
            guard seenStreams.contains(where: { stream, seq in (current[stream] ?? 0) < seq }) else { return nil }
            let next = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            try Self.setSetting(db, SettingKey.downlinkEpoch, next)
            return next
        }
        return renewed
    }

    /// When the last verified downlink message was applied (nil: never).
    public func lastDownlinkSync() throws -> Timestamp? {
        try self.writer.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = ?", arguments: [SettingKey.lastDownlinkSync])
                .flatMap { Int64($0) }.map(Timestamp.init(milliseconds:))
        }
    }

    /// HQ's limit on running without a sync (0: none).
    public func maxTimeWithoutSync() throws -> Int64 {
        try self.writer.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = ?", arguments: [SettingKey.maxTimeWithoutSync])
                .flatMap { Int64($0) } ?? 0
        }
    }

    /// The newest `issued_ms` HQ put on a message this ledger applied (nil: none yet).
    public func newestDownlinkIssued() throws -> Timestamp? {
        try self.writer.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = ?", arguments: [SettingKey.newestDownlinkIssued])
                .flatMap { Int64($0) }.map(Timestamp.init(milliseconds:))
        }
    }

    /// Applies a verified downlink message's change and advances its stream, in one transaction that also appends
    /// a `downlink` journal event saying what changed (so the journal, and HQ, see every change HQ made to this
    /// store's codes, policy and keys). Refuses (throws `replayed`) if the stream is already at `seq` or beyond,
    /// so a message is applied at most once even if two copies race.
    /// - Returns: the `downlink` journal event.
    @discardableResult
    public func applyDownlink(stream: String, seq: Int64, payloadHash: String, change: DownlinkChange,
                              origin: DownlinkOrigin? = nil, at time: Timestamp) throws -> JournalEvent {
        defer {
            self.cache.invalidate()
            if case .keys = change { self.keyRing.invalidate() }
        }
        let origin = origin ?? DownlinkOrigin(kind: String(stream.prefix(while: { $0 != ":" })), issued: time)
        return try self.inWriteTransaction { db, statements in
            if let current = try Int64.fetchOne(db, sql: "SELECT seq FROM downlink_streams WHERE stream = ?", arguments: [stream]),
               current >= seq {
                throw LedgerError(.downlinkReplayed, "downlink stream \(stream) is at \(current); message \(seq) is old")
            }
            try Self.write(change, db: db, at: time)
            try db.execute(
                sql: """
                    INSERT INTO downlink_streams(stream, seq, payload_hash, applied_ms) VALUES (?, ?, ?, ?)
                    ON CONFLICT(stream) DO UPDATE SET seq = excluded.seq, payload_hash = excluded.payload_hash,
                        applied_ms = excluded.applied_ms
                    """,
                arguments: [stream, seq, payloadHash, time.milliseconds])
            try Self.setSetting(db, SettingKey.lastDownlinkSync, String(time.milliseconds))
            let newest = try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = ?",
                                             arguments: [SettingKey.newestDownlinkIssued]).flatMap { Int64($0) } ?? Int64.min
            if origin.issued.milliseconds > newest {
                try Self.setSetting(db, SettingKey.newestDownlinkIssued, String(origin.issued.milliseconds))
            }
            var snapshot = try self.snapshot(db, statements.dataVersion)
            let journal = DownlinkJournal(stream: stream, seq: seq, change: change, origin: origin)
            return try self.appendEvent(
                statements, snapshot: &snapshot, operation: .downlink, codeID: nil, result: .accepted, reason: journal.reason,
                context: DecisionContext(lane: "gateway", operator: "hq", role: .service, time: time),
                provisional: false, details: journal.details)
        }
    }

    private static func setSetting(_ db: Database, _ key: String, _ value: String) throws {
        try db.execute(sql: "INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                       arguments: [key, value])
    }

    private static func write(_ change: DownlinkChange, db: Database, at time: Timestamp) throws {
        switch change {
        case .none:
            break
        case .revocations(let revocations):
            for (code, reason) in revocations {
                try db.execute(sql: "UPDATE codes SET state = 'revoked', revoked_reason = ? WHERE id = ?", arguments: [reason, code])
                if db.changesCount == 0 {
                    try db.execute(
                        sql: "INSERT INTO codes(id, kind, state, revoked_reason) VALUES (?, ?, 'revoked', ?)",
                        arguments: [code, code.hasPrefix("00/") ? "logistic_unit" : "unit", reason])
                }
            }
        case .policy(let policy):
            if let region = policy.region {
                guard !region.isEmpty else { throw LedgerError(.invalidValue, "policy region must not be empty") }
                try setSetting(db, SettingKey.region, region)
            }
            if let value = policy.allowProvisional { try setSetting(db, SettingKey.allowProvisional, value ? "1" : "0") }
            if let value = policy.undoWindowMilliseconds {
                guard value >= 0 else { throw LedgerError(.invalidValue, "policy undo_window_ms must not be negative") }
                try setSetting(db, SettingKey.undoWindowMilliseconds, String(value))
            }
            if let value = policy.undoSameLaneOrOperatorOnly {
                try setSetting(db, SettingKey.undoSameLaneOrOperatorOnly, value ? "1" : "0")
            }
            if let value = policy.maxTimeWithoutSyncMilliseconds {
                guard value >= 0 else { throw LedgerError(.invalidValue, "policy max_time_without_sync_ms must not be negative") }
                try setSetting(db, SettingKey.maxTimeWithoutSync, String(value))
            }
            if let value = policy.returnWindowMilliseconds {
                guard value >= 0 else { throw LedgerError(.invalidValue, "policy return_window_ms must not be negative") }
                try setSetting(db, SettingKey.returnWindowMilliseconds, String(value))
            }
            for campaign in policy.campaigns {
                guard !campaign.name.isEmpty, campaign.starts < campaign.ends else {
                    throw LedgerError(.invalidValue, "policy campaign \(campaign.name): needs a name and starts_ms < ends_ms")
                }
                try db.execute(
                    sql: """
                        INSERT INTO campaigns(name, starts_ms, ends_ms, sold_here_first) VALUES (?, ?, ?, ?)
                        ON CONFLICT(name) DO UPDATE SET starts_ms = excluded.starts_ms, ends_ms = excluded.ends_ms,
                            sold_here_first = excluded.sold_here_first
                        """,
                    arguments: [campaign.name, campaign.starts.milliseconds, campaign.ends.milliseconds, campaign.soldHereFirst])
            }
        case .keys(let keys):
            try Self.writeKeys(keys, db: db, at: time)
        }
    }
}
