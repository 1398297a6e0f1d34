import Logging
import PostgresNIO
import StoregateHQ

/// The overview: today so far against the same weekday last week up to the same hour, from `rollups_hourly` only.
/// "Today" is each store's own day (`stores.time_zone`; Asia/Shanghai for a store HQ has no row for); rollups are
/// hourly, so the comparison is at hour granularity: last week's hour holding "now minus 7 days" counts whole.
struct Overview: Sendable, Codable, Equatable {
    struct Figures: Sendable, Codable, Equatable {
        var redemptions: Int64 = 0
        var unitsSold: Int64 = 0
        /// Minor units (fen): basket amounts less refunds.
        var revenueMinor: Int64 = 0
        var activeStores: Int64 = 0
    }

    var asOfMs: Int64
    var today = Figures()
    var lastWeek = Figures()
    var openAlerts: Int64 = 0
    var unacknowledgedAlerts: Int64 = 0

    static let defaultTimeZone = "Asia/Shanghai"

    static func read(_ connection: PostgresConnection, now: Int64, logger: Logger) async throws -> Overview {
        var overview = Overview(asOfMs: now)
        // Today and last week's window (`zones`: RollupWindow); only rows within 26 h of now or of now − 7 days are read
        // (two index ranges on the hour).
        let rows = try await connection.query("""
            WITH b AS (SELECT to_timestamp(\(now)::bigint / 1000.0) AS now_at, \(Self.defaultTimeZone)::text AS default_tz),
            \(unescaped: RollupWindow.ctes),
            windowed AS (
                SELECT r.store_id, r.events, r.redemptions, r.sold, r.revenue_minor,
                       CASE WHEN r.hour >= z.today_start THEN 0 ELSE 1 END AS week
                FROM b
                JOIN rollups_hourly r ON r.hour > b.now_at - interval '26 hours' AND r.hour <= b.now_at
                                       OR r.hour > b.now_at - interval '7 days 26 hours' AND r.hour <= b.now_at - interval '7 days'
                LEFT JOIN stores s ON s.store_id = r.store_id
                JOIN zones z ON z.tz = coalesce(s.time_zone, b.default_tz)
                WHERE r.hour >= z.today_start OR (r.hour >= z.week_start AND r.hour <= b.now_at - interval '7 days')
            )
            SELECT week, sum(redemptions)::bigint, sum(sold)::bigint, sum(revenue_minor)::bigint,
                   count(DISTINCT store_id) FILTER (WHERE events > 0)::bigint
            FROM windowed GROUP BY week
            """, logger: logger)
        for try await (week, redemptions, sold, revenue, stores) in rows.decode((Int32, Int64, Int64, Int64, Int64).self) {
            let figures = Figures(redemptions: redemptions, unitsSold: sold, revenueMinor: revenue, activeStores: stores)
            if week == 0 { overview.today = figures } else { overview.lastWeek = figures }
        }
        let alerts = try await connection.query("""
            SELECT count(*)::bigint, count(*) FILTER (WHERE acknowledged_ms IS NULL)::bigint FROM alerts WHERE resolved_ms IS NULL
            """, logger: logger)
        for try await (open, unacknowledged) in alerts.decode((Int64, Int64).self) {
            overview.openAlerts = open
            overview.unacknowledgedAlerts = unacknowledged
        }
        return overview
    }

    /// The overview as the page and its live stream show it: one row per figure, formatted.
    struct Row: Sendable, Codable, Equatable {
        var key: String
        var label: String
        var today: String
        var lastWeek: String
        var change: String
    }

    func rows(_ language: ConsoleLanguage) -> [Row] {
        func row(_ key: String, _ today: Int64, _ lastWeek: Int64, money: Bool = false) -> Row {
            func format(_ value: Int64) -> String { money ? Money.format(value) : String(value) }
            return Row(key: key, label: language(key), today: format(today), lastWeek: format(lastWeek),
                       change: Self.change(today, lastWeek))
        }
        return [
            row("redemptions", self.today.redemptions, self.lastWeek.redemptions),
            row("units_sold", self.today.unitsSold, self.lastWeek.unitsSold),
            row("revenue", self.today.revenueMinor, self.lastWeek.revenueMinor, money: true),
            row("active_stores", self.today.activeStores, self.lastWeek.activeStores),
        ]
    }

    /// `+12%`, `−40%`, `0%`; `—` when last week had none (no ratio to show).
    static func change(_ today: Int64, _ lastWeek: Int64) -> String {
        guard lastWeek != 0 else { return "—" }
        let percent = (Double(today - lastWeek) / Double(abs(lastWeek)) * 100).rounded()
        return percent > 0 ? "+\(Int(percent))%" : percent < 0 ? "−\(Int(-percent))%" : "0%"
    }

    static let csv = CSVTable<Row>(columns: [
        ("metric", { $0.key }), ("today", { $0.today }), ("last_week", { $0.lastWeek }), ("change", { $0.change }),
    ])
}

/// Money in minor units shown in major units with two decimals (`1234.50`); never through floating point.
enum Money {
    static func format(_ minor: Int64) -> String {
        let sign = minor < 0 ? "-" : ""
        let magnitude = minor.magnitude
        let cents = magnitude % 100
        return "\(sign)\(magnitude / 100).\(cents < 10 ? "0" : "")\(cents)"
    }
}
