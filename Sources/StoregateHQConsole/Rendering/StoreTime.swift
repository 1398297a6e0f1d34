import Foundation
import StoregateCore
import Synchronization

/// Times as the store sees them: `2026-12-05 14:03:11 +08:00` in the store's IANA time zone (`stores.time_zone`),
/// UTC for a time zone the system does not know (or no store).
enum StoreTime {
    static func format(_ milliseconds: Int64?, zone: String?) -> String {
        guard let milliseconds else { return "" }
        let seconds = milliseconds >= 0 ? milliseconds / 1_000 : (milliseconds - 999) / 1_000
        let timeZone = Self.timeZone(zone)
        let offset = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds))))
        let local = seconds + offset
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let secondOfDay = local - days * 86_400
        let date = CivilDate(daysSinceEpoch: Int(days))
        let sign = offset < 0 ? "-" : "+"
        let offsetMinutes = abs(offset) / 60
        return "\(date) \(Self.two(secondOfDay / 3_600)):\(Self.two(secondOfDay / 60 % 60)):"
            + "\(Self.two(secondOfDay % 60)) \(sign)\(Self.two(offsetMinutes / 60)):\(Self.two(offsetMinutes % 60))"
    }

    /// An hour's start as a chart labels it: `12-05 14:00` in the zone.
    static func hourLabel(_ milliseconds: Int64, zone: String?) -> String {
        let text = Self.format(milliseconds, zone: zone)
        return String(text.dropFirst(5).prefix(11))
    }

    /// Time zones by identifier, made once: making one reads the system's zone data (a page of 1,000 stores formats
    /// thousands of times).
    private static let zones = Mutex<[String: TimeZone]>([:])
    private static let utc = TimeZone(secondsFromGMT: 0)!

    static func timeZone(_ identifier: String?) -> TimeZone {
        guard let identifier else { return Self.utc }
        return Self.zones.withLock { zones in
            if let zone = zones[identifier] { return zone }
            let zone = TimeZone(identifier: identifier) ?? Self.utc
            zones[identifier] = zone
            return zone
        }
    }

    /// How long ago, in whole seconds, minutes or hours (`42 s`, `5 min`, `3 h`).
    static func age(_ milliseconds: Int64?) -> String {
        guard let milliseconds else { return "" }
        let seconds = milliseconds / 1_000
        if seconds < 120 { return "\(seconds) s" }
        if seconds < 7_200 { return "\(seconds / 60) min" }
        return "\(seconds / 3_600) h"
    }

    private static func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
