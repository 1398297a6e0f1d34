import Crypto
import Foundation
public import Logging
public import StoregateContract
import StoregateCore
import StoregateFoundation
import StoregateTrust
public import StoregateLedger

/// A downlink message that could not be applied for a reason that has nothing to do with the message (the disk
/// is full, the ledger is busy, an I/O error): it must not be acknowledged, so that the broker delivers it again,
/// and no report goes to HQ (a report is the acknowledgement HQ waits for).
public struct DownlinkDeferred: Error, Sendable, CustomStringConvertible {
    public var topic: String
    public var reason: String
    public var description: String { "downlink on \(self.topic) not applied, to be delivered again: \(self.reason)" }
}

/// Verifies each downlink message and, only if HQ signed it for this store recently enough, applies it to the
/// ledger once.
///
/// Never traps: a bad message becomes a ``DownlinkReport`` with `outcome: rejected`, which is logged and published
/// upstream. A message that failed for a transient reason throws ``DownlinkDeferred`` instead.
public struct DownlinkProcessor: Sendable {
    /// The default of `downlink.max_age_hours`: a week, the broker session's default lifetime (a message older than
    /// that cannot have waited in the store's session; it was withheld).
    public static let defaultMaximumAgeMilliseconds: Int64 = 168 * 3_600_000
    /// How far HQ's `issued_ms` may be ahead of the store's clock before the log says the store's clock is behind.
    static let clockSkewNoticeMilliseconds: Int64 = 5 * 60_000

    private let ledger: Ledger
    private let storeID: String
    private let logger: Logger
    /// Where code batches are staged as JSON Lines for the importer.
    private let scratchDirectory: String
    private let disk: DiskGuard?
    private let maximumAgeMilliseconds: Int64

    /// `disk`: the guard every ledger write of the daemon goes through (a full disk releases its reserve); nil
    /// writes directly. `maximumAgeMilliseconds`: older messages are refused (`expired`).
    public init(ledger: Ledger, storeID: String, logger: Logger, scratchDirectory: String, disk: DiskGuard? = nil,
                maximumAgeMilliseconds: Int64 = DownlinkProcessor.defaultMaximumAgeMilliseconds) {
        self.ledger = ledger
        self.storeID = storeID
        self.logger = logger
        self.scratchDirectory = scratchDirectory
        self.disk = disk
        self.maximumAgeMilliseconds = maximumAgeMilliseconds
    }

    /// The report for HQ, or throws ``DownlinkDeferred`` when the message could not be applied now but may be later
    /// (then nothing changed, the stream did not advance, and the caller must not acknowledge the message).
    public func process(topic: String, payload: [UInt8]) throws(DownlinkDeferred) -> DownlinkReport {
        // Logged before the work: a code batch takes seconds to apply, and whoever watches should see it started.
        self.logger.info("downlink received", metadata: ["topic": "\(topic)", "bytes": "\(payload.count)"])
        let report: DownlinkReport
        do {
            report = try self.evaluate(topic: topic, payload: payload)
        } catch {
            self.logger.error("\(error)")
            throw error
        }
        switch report.outcome {
        case .applied:
            self.logger.info("downlink applied", metadata: ["topic": "\(topic)", "stream": "\(report.stream ?? "")", "seq": "\(report.seq ?? 0)"])
        case .duplicate:
            self.logger.debug("downlink duplicate ignored", metadata: ["topic": "\(topic)"])
        case .rejected:
            self.logger.warning("downlink rejected: \(report.reason)", metadata: ["topic": "\(topic)", "problem": "\(report.problem?.rawValue ?? "")"])
        }
        return report
    }

    private func evaluate(topic: String, payload: [UInt8]) throws(DownlinkDeferred) -> DownlinkReport {
        let now = Timestamp.now
        func rejected(_ problem: DownlinkReport.Problem, _ reason: String, keyID: String? = nil, message: DownlinkMessage? = nil) -> DownlinkReport {
            DownlinkReport(topic: topic, outcome: .rejected, problem: problem, reason: reason, stream: message?.stream,
                           seq: message?.seq, keyId: keyID, timeMs: now.milliseconds)
        }
        func deferred(_ error: any Error, _ what: String) -> DownlinkDeferred {
            DownlinkDeferred(topic: topic, reason: "\(what): \(error)")
        }
        guard let address = DownlinkAddress(topic: topic), address.target == "*" || address.target == self.storeID else {
            return rejected(.wrongTopic, "topic \(topic) is not a downlink topic for store \(self.storeID)")
        }
        let keys: [String: String]
        do {
            keys = try self.ledger.downlinkKeys()
        } catch let error where TransientFailure.matches(error) {
            throw deferred(error, "cannot read the downlink keys")
        } catch {
            return rejected(.invalidContent, "cannot read the downlink keys: \(error)")
        }
        let message: DownlinkMessage
        let signedBytes: [UInt8]
        let verifier: DownlinkVerifier
        do {
            verifier = try DownlinkVerifier(keys: keys)
        } catch {
            return rejected(.invalidContent, "the stored downlink keys cannot be read: \(error)")
        }
        switch verifier.verify(payload, address: address) {
        case .failure(let failure):
            return rejected(failure.problem, failure.reason, keyID: failure.keyID)
        case .success(let verified):
            (message, signedBytes) = verified
        }
        let keyID = (try? HQJSON.decode(DownlinkEnvelope.self, from: payload))?.keyId
        let hash = SHA256.hash(data: signedBytes).map { String(format: "%02x", $0) }.joined()
        let stream: DownlinkStreamState?
        do {
            stream = try self.ledger.downlinkStream(message.stream)
        } catch let error where TransientFailure.matches(error) {
            throw deferred(error, "cannot read downlink stream \(message.stream)")
        } catch {
            return rejected(.invalidContent, "cannot read downlink stream \(message.stream): \(error)", keyID: keyID, message: message)
        }
        if let state = stream, state.seq >= message.seq {
            if state.seq == message.seq && state.payloadHash == hash {
                return DownlinkReport(topic: topic, outcome: .duplicate, reason: "already applied", stream: message.stream,
                                      seq: message.seq, keyId: keyID, timeMs: now.milliseconds)
            }
            return rejected(.replayed, "stream \(message.stream) is at \(state.seq); message \(message.seq) is old or replayed",
                            keyID: keyID, message: message)
        }
        if let stale = self.staleness(of: message, now: now) {
            return rejected(.expired, stale, keyID: keyID, message: message)
        }
        do {
            var origin = DownlinkOrigin(kind: message.kind, keyID: keyID, issued: Timestamp(milliseconds: message.issuedMs))
            let change = try self.change(for: message, signedBy: keyID, origin: &origin)
            _ = try self.guarded {
                try self.ledger.applyDownlink(stream: message.stream, seq: message.seq, payloadHash: hash, change: change,
                                              origin: origin, at: now)
            }
        } catch let error as LedgerError where error.code == .downlinkReplayed {
            return rejected(.replayed, error.message, keyID: keyID, message: message)
        } catch let error as LedgerError where error.code == .keyRefused {
            return rejected(.invalidContent, error.message, keyID: keyID, message: message)
        } catch let error as ContentError {
            return rejected(.invalidContent, error.reason, keyID: keyID, message: message)
        } catch let error where TransientFailure.matches(error) {
            throw deferred(error, "cannot apply \(message.stream) #\(message.seq) now")
        } catch {
            return rejected(.invalidContent, "cannot apply: \(error)", keyID: keyID, message: message)
        }
        return DownlinkReport(topic: topic, outcome: .applied, reason: "applied", stream: message.stream, seq: message.seq,
                              keyId: keyID, timeMs: now.milliseconds)
    }

    /// Why the message is too old to apply, or nil. Its age is measured from the later of the store's clock and
    /// the newest `issued_ms` this ledger applied (HQ's clock): a store clock that runs behind does not make a
    /// withheld message young again. A message from the future (the store's clock is behind HQ's) is fresh: its
    /// signature proves HQ made it, and it cannot be older than it says.
    private func staleness(of message: DownlinkMessage, now: Timestamp) -> String? {
        let newestIssued = (try? self.ledger.newestDownlinkIssued())?.milliseconds ?? Int64.min
        let reference = max(now.milliseconds, newestIssued)
        if message.issuedMs - now.milliseconds > Self.clockSkewNoticeMilliseconds {
            self.logger.warning("HQ issued \(message.stream) #\(message.seq) \((message.issuedMs - now.milliseconds) / 1000) s ahead of this store's clock: the store's clock is behind; applying it")
        }
        let age = reference - message.issuedMs
        guard age > self.maximumAgeMilliseconds else { return nil }
        let measuredFrom = reference == now.milliseconds ? "the store's clock" : "the newest message HQ sent this store"
        return "message issued at \(Self.iso(message.issuedMs)) is \(age / 3_600_000) h old by \(measuredFrom) "
            + "(\(Self.iso(reference))), over downlink.max_age_hours (\(self.maximumAgeMilliseconds / 3_600_000)): "
            + "withheld or delayed; HQ must send it again, signed afresh"
    }

    private static func iso(_ milliseconds: Int64) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }

    /// Runs a ledger write through the disk guard (a full disk gives back its reserve and the write is tried once
    /// more), or directly without one.
    private func guarded<T>(_ body: () throws -> T) throws -> T {
        if let disk = self.disk { return try disk.write(body) }
        return try body()
    }

    struct ContentError: Error {
        var reason: String
    }

    /// Turns the message body into a ledger change; code batches are imported here (the importer's own batch
    /// transactions; importing again skips what is already registered, so a crash before the stream's sequence
    /// is stored only repeats harmless work).
    private func change(for message: DownlinkMessage, signedBy keyID: String?, origin: inout DownlinkOrigin) throws -> DownlinkChange {
        let body = message.body
        switch message.kind {
        case "sync":
            return .none
        case "codes":
            guard let codes = body.codes, !codes.isEmpty else { throw ContentError(reason: "codes message without codes") }
            origin.codes = codes.count
            origin.codesRegistered = try self.importCodes(codes, seq: message.seq)
            return .none
        case "revocations":
            guard let revocations = body.revocations, !revocations.isEmpty else {
                throw ContentError(reason: "revocations message without revocations")
            }
            var pairs: [(String, String)] = []
            for revocation in revocations {
                guard let id = CanonicalIDFastPath.parsedCode(revocation.code)?.id else {
                    throw ContentError(reason: "revocation of \(revocation.code): not a canonical code id")
                }
                pairs.append((id, revocation.reason))
            }
            return .revocations(pairs)
        case "policy":
            let campaigns = (body.campaigns ?? []).map {
                CampaignPolicy(name: $0.name, starts: Timestamp(milliseconds: $0.startsMs), ends: Timestamp(milliseconds: $0.endsMs),
                               soldHereFirst: $0.soldHereFirst ?? false)
            }
            return .policy(DownlinkChange.Policy(
                region: body.region, allowProvisional: body.allowProvisional, undoWindowMilliseconds: body.undoWindowMs,
                undoSameLaneOrOperatorOnly: body.undoSameLaneOrOperatorOnly,
                maxTimeWithoutSyncMilliseconds: body.maxTimeWithoutSyncMs, returnWindowMilliseconds: body.returnWindowMs,
                campaigns: campaigns))
        case "keys":
            var keys = DownlinkChange.Keys()
            keys.signedBy = keyID
            for key in body.codeKeys?.add ?? [] { keys.addCodeKeys[key.keyId] = try Self.checkedKey(key) }
            keys.retireCodeKeys = body.codeKeys?.retire ?? []
            for key in body.downlinkKeys?.add ?? [] { keys.addDownlinkKeys[key.keyId] = try Self.checkedKey(key) }
            keys.retireDownlinkKeys = body.downlinkKeys?.retire ?? []
            return .keys(keys)
        case "commands":
            origin.command = body.command
            switch body.command {
            case "publish_status":
                return .none
            case "requeue":
                guard let from = body.fromSeq, let to = body.toSeq, from >= 1, from <= to else {
                    throw ContentError(reason: "requeue needs from_seq <= to_seq (both >= 1)")
                }
                origin.fromSeq = from
                origin.toSeq = to
                _ = try self.guarded { try self.ledger.requeueOutbox(seqs: from...to) }
                return .none
            default:
                throw ContentError(reason: "unknown command \(body.command ?? "(none)"); known: publish_status, requeue")
            }
        default:
            throw ContentError(reason: "unknown kind \(message.kind)")
        }
    }

    private static func checkedKey(_ key: DownlinkBody.Key) throws -> String {
        guard !key.keyId.isEmpty else { throw ContentError(reason: "a key without key_id") }
        do {
            _ = try Ed25519Keys.publicKey(key.publicKey, keyID: key.keyId)
        } catch {
            throw ContentError(reason: error.message)
        }
        return key.publicKey
    }

    /// Returns how many of the codes were new to the ledger.
    private func importCodes(_ codes: [DownlinkBody.Code], seq: Int64) throws -> Int {
        var lines = ""
        for code in codes {
            var object: [String: Any] = ["code": code.code]
            if let value = code.product { object["product"] = value }
            if let value = code.lot { object["lot"] = value }
            if let value = code.expiry { object["expiry"] = value }
            if let value = code.parent { object["parent"] = value }
            if let value = code.campaign { object["campaign"] = value }
            if let value = code.regions { object["regions"] = value }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            lines += String(decoding: data, as: UTF8.self) + "\n"
        }
        let file = (self.scratchDirectory as NSString).appendingPathComponent("downlink-codes-\(seq)-\(UUID().uuidString).jsonl")
        try lines.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        // Its batches are transactions of their own: one that found the disk full rolled back, and importing again
        // skips the codes the others registered.
        let report = try self.guarded { try self.ledger.importCodes(from: file, options: ImportOptions(format: .jsonl, strict: true)) }
        if report.rejected > 0 {
            throw ContentError(reason: "code batch has \(report.rejected) invalid rows: \(report.rejections.map(\.reason).prefix(3).joined(separator: "; "))")
        }
        return report.imported
    }
}
