/// A campaign's redemption rules, as HQ configures them.
public struct CampaignPolicy: Sendable, Equatable, Codable {
    public var name: String
    /// Redemptions are accepted from `starts` (inclusive) to `ends` (exclusive).
    public var starts: Timestamp
    public var ends: Timestamp
    /// When true a code of this campaign is redeemable only after this store sold it.
    public var soldHereFirst: Bool

    public init(name: String, starts: Timestamp, ends: Timestamp, soldHereFirst: Bool = false) {
        self.name = name
        self.starts = starts
        self.ends = ends
        self.soldHereFirst = soldHereFirst
    }

    public func isActive(at time: Timestamp) -> Bool {
        self.starts <= time && time < self.ends
    }
}

/// The store's identity and HQ's rules for it; every field has a safe default.
public struct StorePolicy: Sendable, Equatable {
    /// Ten days, after EU FMD's rule for reverting a decommissioned pack.
    public static let defaultUndoWindowMilliseconds: Int64 = 10 * 86_400_000
    public static let defaultReturnWindowMilliseconds: Int64 = 30 * 86_400_000

    public var storeID: String
    public var region: String
    /// Accept a code that is not in the registry when its HQ signature is valid (recorded as provisional).
    public var allowProvisional: Bool
    /// How long after an operation `void` may still undo it.
    public var undoWindowMilliseconds: Int64
    /// When true (the default) only the lane or the operator that made a change may undo it.
    public var undoSameLaneOrOperatorOnly: Bool
    /// How long after a sale its goods may be returned (`POST /v1/returns`).
    public var returnWindowMilliseconds: Int64
    /// Offset of the store's local time from UTC, for "expired before today".
    public var utcOffsetMinutes: Int
    public var campaigns: [String: CampaignPolicy]
    /// HQ's limit on running without contact (like Chestny ZNAK's 72 h): once the last sync is older than this,
    /// redemptions and provisional acceptances are refused (``ResultCode/syncOverdue``). 0: no limit.
    public var maxTimeWithoutSyncMilliseconds: Int64
    /// When the store last applied a verified HQ downlink message (nil: never). A fact, not a rule, but the
    /// sync limit is meaningless without it, so it travels with the policy.
    public var lastHQSync: Timestamp?

    public init(
        storeID: String = "",
        region: String = "",
        allowProvisional: Bool = false,
        undoWindowMilliseconds: Int64 = StorePolicy.defaultUndoWindowMilliseconds,
        undoSameLaneOrOperatorOnly: Bool = true,
        returnWindowMilliseconds: Int64 = StorePolicy.defaultReturnWindowMilliseconds,
        utcOffsetMinutes: Int = 0,
        campaigns: [String: CampaignPolicy] = [:],
        maxTimeWithoutSyncMilliseconds: Int64 = 0,
        lastHQSync: Timestamp? = nil
    ) {
        self.storeID = storeID
        self.region = region
        self.allowProvisional = allowProvisional
        self.undoWindowMilliseconds = undoWindowMilliseconds
        self.undoSameLaneOrOperatorOnly = undoSameLaneOrOperatorOnly
        self.returnWindowMilliseconds = returnWindowMilliseconds
        self.utcOffsetMinutes = utcOffsetMinutes
        self.campaigns = campaigns
        self.maxTimeWithoutSyncMilliseconds = maxTimeWithoutSyncMilliseconds
        self.lastHQSync = lastHQSync
    }

    /// True when HQ set a sync limit and the store has not synced within it at `time`. A store that never synced
    /// is overdue (fail safe: redemptions are money); a clock that went back before the last sync is not.
    public func isSyncOverdue(at time: Timestamp) -> Bool {
        guard self.maxTimeWithoutSyncMilliseconds > 0 else { return false }
        guard let lastHQSync = self.lastHQSync else { return true }
        return time.milliseconds - lastHQSync.milliseconds > self.maxTimeWithoutSyncMilliseconds
    }

    /// The store's local calendar date at an instant.
    public func localDate(at time: Timestamp) -> CivilDate {
        Timestamp(milliseconds: time.milliseconds + Int64(self.utcOffsetMinutes) * 60_000).utcDate
    }
}
