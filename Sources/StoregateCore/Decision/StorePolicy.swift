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

    public var storeID: String
    public var region: String
    /// Accept a code that is not in the registry when its HQ signature is valid (recorded as provisional).
    public var allowProvisional: Bool
    /// How long after an operation `void` may still undo it.
    public var undoWindowMilliseconds: Int64
    /// When true (the default) only the lane or the operator that made a change may undo it.
    public var undoSameLaneOrOperatorOnly: Bool
    /// Offset of the store's local time from UTC, for "expired before today".
    public var utcOffsetMinutes: Int
    public var campaigns: [String: CampaignPolicy]

    public init(
        storeID: String = "",
        region: String = "",
        allowProvisional: Bool = false,
        undoWindowMilliseconds: Int64 = StorePolicy.defaultUndoWindowMilliseconds,
        undoSameLaneOrOperatorOnly: Bool = true,
        utcOffsetMinutes: Int = 0,
        campaigns: [String: CampaignPolicy] = [:]
    ) {
        self.storeID = storeID
        self.region = region
        self.allowProvisional = allowProvisional
        self.undoWindowMilliseconds = undoWindowMilliseconds
        self.undoSameLaneOrOperatorOnly = undoSameLaneOrOperatorOnly
        self.utcOffsetMinutes = utcOffsetMinutes
        self.campaigns = campaigns
    }

    /// The store's local calendar date at an instant.
    public func localDate(at time: Timestamp) -> CivilDate {
        Timestamp(milliseconds: time.milliseconds + Int64(self.utcOffsetMinutes) * 60_000).utcDate
    }
}
