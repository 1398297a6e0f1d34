import GRDB
public import StoregateCore

/// Setting keys in the `settings` table.
enum SettingKey {
    static let gatewayID = "gateway_id"
    /// base64url private Ed25519 key of the gateway (``Ledger/gatewaySigningKey()``).
    static let gatewaySigningKey = "gateway_signing_key"
    static let storeID = "store_id"
    static let region = "region"
    static let allowProvisional = "allow_provisional"
    static let undoWindowMilliseconds = "undo_window_ms"
    static let undoSameLaneOrOperatorOnly = "undo_same_lane_or_operator_only"
    static let utcOffsetMinutes = "utc_offset_minutes"
    static let returnWindowMilliseconds = "return_window_ms"
}

extension Ledger {
    /// Sets the store's identity. `ledger init` calls it; HQ's downlink may call it again.
    public func initialise(storeID: String, region: String) throws {
        guard !storeID.isEmpty, !region.isEmpty else {
            throw LedgerError(.invalidValue, "store id and region must not be empty (--store-id, --region)")
        }
        try self.updatePolicy { policy in
            policy.storeID = storeID
            policy.region = region
        }
    }

    /// The gateway's id: a UUID generated when the ledger was created; names the journal's sequence.
    public func gatewayID() throws -> String {
        try self.writer.read { try String.fetchOne($0, sql: "SELECT value FROM settings WHERE key = ?", arguments: [SettingKey.gatewayID]) } ?? ""
    }

    /// The store's policy as stored (campaigns included).
    public func policy() throws -> StorePolicy {
        try self.writer.read { try Self.loadPolicy($0) }
    }

    /// Changes the scalar policy values in one transaction (campaigns: ``setCampaign(_:)``).
    public func updatePolicy(_ change: (inout StorePolicy) -> Void) throws {
        defer { self.cache.invalidate() }
        try self.writer.write { db in
            var policy = try Self.loadPolicy(db)
            change(&policy)
            guard policy.undoWindowMilliseconds >= 0, policy.returnWindowMilliseconds >= 0 else {
                throw LedgerError(.invalidValue, "undo and return windows must not be negative")
            }
            guard (-14 * 60...14 * 60).contains(policy.utcOffsetMinutes) else {
                throw LedgerError(.invalidValue, "UTC offset \(policy.utcOffsetMinutes) minutes is outside -840…840")
            }
            let values: [(String, String)] = [
                (SettingKey.storeID, policy.storeID),
                (SettingKey.region, policy.region),
                (SettingKey.allowProvisional, policy.allowProvisional ? "1" : "0"),
                (SettingKey.undoWindowMilliseconds, String(policy.undoWindowMilliseconds)),
                (SettingKey.undoSameLaneOrOperatorOnly, policy.undoSameLaneOrOperatorOnly ? "1" : "0"),
                (SettingKey.utcOffsetMinutes, String(policy.utcOffsetMinutes)),
                (SettingKey.returnWindowMilliseconds, String(policy.returnWindowMilliseconds)),
            ]
            for (key, value) in values {
                try db.execute(sql: "INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                               arguments: [key, value])
            }
        }
    }

    /// Creates or replaces a campaign's redemption window and rules.
    public func setCampaign(_ campaign: CampaignPolicy) throws {
        guard !campaign.name.isEmpty else { throw LedgerError(.invalidValue, "campaign name must not be empty") }
        guard campaign.starts < campaign.ends else {
            throw LedgerError(.invalidValue, "campaign \(campaign.name): the window must start before it ends (--from before --to)")
        }
        defer { self.cache.invalidate() }
        try self.writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO campaigns(name, starts_ms, ends_ms, sold_here_first) VALUES (?, ?, ?, ?)
                    ON CONFLICT(name) DO UPDATE SET starts_ms = excluded.starts_ms, ends_ms = excluded.ends_ms,
                        sold_here_first = excluded.sold_here_first
                    """,
                arguments: [campaign.name, campaign.starts.milliseconds, campaign.ends.milliseconds, campaign.soldHereFirst])
        }
    }

    /// Revokes a registered code (HQ's verdict: counterfeit, recalled, stolen). Returns false if it is not registered.
    @discardableResult
    public func revoke(codeID: String, reason: String) throws -> Bool {
        try self.writer.write { db in
            try db.execute(sql: "UPDATE codes SET state = 'revoked', revoked_reason = ? WHERE id = ?", arguments: [reason, codeID])
            return db.changesCount > 0
        }
    }

    /// HQ confirmed a provisionally accepted code: it is now an ordinary registered code. Returns false if the
    /// code is not registered or was not provisional. (HQ rejecting one is a ``revoke(codeID:reason:)``.)
    @discardableResult
    public func confirmProvisional(codeID: String) throws -> Bool {
        try self.writer.write { db in
            try db.execute(sql: "UPDATE codes SET provisional = 0 WHERE id = ? AND provisional = 1", arguments: [codeID])
            return db.changesCount > 0
        }
    }

    static func loadPolicy(_ db: Database) throws -> StorePolicy {
        var settings: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT key, value FROM settings") {
            settings[row[0]] = row[1]
        }
        var policy = StorePolicy(storeID: settings[SettingKey.storeID] ?? "", region: settings[SettingKey.region] ?? "")
        if let value = settings[SettingKey.allowProvisional] { policy.allowProvisional = value == "1" }
        if let value = settings[SettingKey.undoWindowMilliseconds].flatMap({ Int64($0) }) { policy.undoWindowMilliseconds = value }
        if let value = settings[SettingKey.undoSameLaneOrOperatorOnly] { policy.undoSameLaneOrOperatorOnly = value == "1" }
        if let value = settings[SettingKey.utcOffsetMinutes].flatMap({ Int($0) }) { policy.utcOffsetMinutes = value }
        if let value = settings[SettingKey.returnWindowMilliseconds].flatMap({ Int64($0) }) { policy.returnWindowMilliseconds = value }
        // Written by downlink (Ledger+Downlink); every applied downlink invalidates the cached policy.
        if let value = settings[SettingKey.maxTimeWithoutSync].flatMap({ Int64($0) }) { policy.maxTimeWithoutSyncMilliseconds = value }
        policy.lastHQSync = settings[SettingKey.lastDownlinkSync].flatMap { Int64($0) }.map(Timestamp.init(milliseconds:))
        for row in try Row.fetchAll(db, sql: "SELECT name, starts_ms, ends_ms, sold_here_first FROM campaigns") {
            let campaign = CampaignPolicy(name: row[0], starts: Timestamp(milliseconds: row[1]),
                                          ends: Timestamp(milliseconds: row[2]), soldHereFirst: row[3])
            policy.campaigns[campaign.name] = campaign
        }
        return policy
    }
}
