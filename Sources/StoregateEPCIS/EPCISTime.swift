import Foundation
public import StoregateCore

/// Times as EPCIS writes them, and the period an export covers.
public enum EPCISTime {
    /// `2026-12-05T06:03:11.250Z`.
    public static func utc(_ milliseconds: Int64) -> String {
        let instant = Timestamp(milliseconds: milliseconds)
        let millisecondOfDay = Int(milliseconds - Int64(instant.utcDate.daysSinceEpoch) * 86_400_000)
        let (seconds, millisecond) = millisecondOfDay.quotientAndRemainder(dividingBy: 1_000)
        return "\(instant.utcDate)T\(Self.two(seconds / 3_600)):\(Self.two(seconds / 60 % 60)):\(Self.two(seconds % 60))."
            + String(String(millisecond + 1_000).dropFirst()) + "Z"
    }

    /// `+08:00`, `-03:30`, `+00:00`.
    public static func offset(minutes: Int) -> String {
        (minutes < 0 ? "-" : "+") + "\(Self.two(abs(minutes) / 60)):\(Self.two(abs(minutes) % 60))"
    }

    /// An ISO 8601 date-time with its zone (`2026-12-05T08:00:00+08:00`, `2026-12-05T00:00:00.5Z`).
    public static func parse(_ text: String) -> Timestamp? {
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds]] {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = options
            if let date = formatter.date(from: text) { return Timestamp(milliseconds: Int64((date.timeIntervalSince1970 * 1_000).rounded())) }
        }
        return nil
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}

/// The events an export covers: `from` inclusive, `to` exclusive, by the time the gateway recorded them.
public struct EPCISPeriod: Sendable, Equatable {
    public var from: Timestamp
    public var to: Timestamp

    public init(from: Timestamp, to: Timestamp) {
        self.from = from
        self.to = to
    }

    /// `--from` and `--to` as given on a command line; an unreadable time, or `from` not before `to`, is an error.
    public init(from: String, to: String) throws(EPCISExportError) {
        let example = "an ISO 8601 date-time with its zone, e.g. 2026-12-05T00:00:00+08:00 or 2026-12-04T16:00:00Z"
        guard let start = EPCISTime.parse(from) else { throw EPCISExportError("--from \(from) is not \(example)") }
        guard let end = EPCISTime.parse(to) else { throw EPCISExportError("--to \(to) is not \(example)") }
        guard start < end else { throw EPCISExportError("--from \(from) is not before --to \(to)") }
        self.init(from: start, to: end)
    }

    public func contains(_ milliseconds: Int64) -> Bool {
        self.from.milliseconds <= milliseconds && milliseconds < self.to.milliseconds
    }
}
