/// A point in time as milliseconds since 1970-01-01T00:00:00Z; the core's clock type (no Foundation).
public struct Timestamp: Sendable, Hashable, Comparable, Codable {
    public var milliseconds: Int64

    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    /// The UTC calendar date of this instant.
    public var utcDate: CivilDate {
        let millisPerDay: Int64 = 86_400_000
        let days = self.milliseconds >= 0
            ? self.milliseconds / millisPerDay
            : (self.milliseconds - millisPerDay + 1) / millisPerDay
        return CivilDate(daysSinceEpoch: Int(days))
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.milliseconds < rhs.milliseconds
    }
}
