import Logging
import PostgresNIO
import StoregateHQ

/// The SKUs page: today's sell-out per GTIN (each store's own day, from the rollups), in total and per region and
/// province.
struct SKUSales: Sendable, Codable {
    /// A GTIN's figures today over some stores: all of them (`all`), a region's, a province's or a city's (`level`).
    struct Row: Sendable, Codable {
        var gtin: String
        var level: String
        /// Empty on a GTIN's total row.
        var region: String
        var province: String
        var city: String = ""
        var isTotal: Bool
        /// Stores that sold the GTIN today.
        var stores: Int64
        var sold: Int64
        var returned: Int64
        var redemptions: Int64
        var revenueMinor: Int64
        var revenue: String
    }

    var rows: [Row]
    /// Every GTIN's units sold per hour today.
    var hours: [SKUDetail.Hour] = []

    static func read(_ connection: PostgresConnection, now: Int64, logger: Logger) async throws -> SKUSales {
        let result = try await connection.query("""
            WITH b AS (SELECT to_timestamp(\(now)::bigint / 1000.0) AS now_at, \(Overview.defaultTimeZone)::text AS default_tz),
            \(unescaped: RollupWindow.ctes)
            SELECT t.gtin, coalesce(s.region, ''), coalesce(s.province, ''), GROUPING(s.region, s.province) <> 0,
                   count(DISTINCT t.store_id) FILTER (WHERE t.sold > 0)::bigint, sum(t.sold)::bigint, sum(t.returned)::bigint,
                   sum(t.redemptions)::bigint, sum(t.revenue_minor)::bigint
            FROM today_rollups t LEFT JOIN stores s ON s.store_id = t.store_id
            WHERE t.gtin <> ''
            GROUP BY GROUPING SETS ((t.gtin), (t.gtin, s.region, s.province))
            ORDER BY t.gtin, GROUPING(s.region, s.province) DESC, 2, 3
            """, logger: logger)
        var rows: [Row] = []
        for try await (gtin, region, province, total, stores, sold, returned, redemptions, revenue) in result.decode(
            (String, String, String, Bool, Int64, Int64, Int64, Int64, Int64).self) {
            rows.append(Row(gtin: gtin, level: total ? "all" : "province", region: total ? "" : region, province: total ? "" : province,
                            isTotal: total, stores: stores,
                            sold: sold, returned: returned, redemptions: redemptions, revenueMinor: revenue,
                            revenue: Money.format(revenue)))
        }
        return SKUSales(rows: rows, hours: try await SKUDetail.hours(connection, gtin: nil, now: now, logger: logger))
    }

    static let csv = CSVTable<Row>(columns: [
        ("gtin", { $0.gtin }), ("region", { $0.isTotal ? "*" : $0.region }), ("province", { $0.isTotal ? "*" : $0.province }),
        ("stores", { "\($0.stores)" }), ("units_sold", { "\($0.sold)" }), ("returned", { "\($0.returned)" }),
        ("redemptions", { "\($0.redemptions)" }), ("revenue", { $0.revenue }),
    ])
}

/// One GTIN's page: today's sell-out (each store's own day) by region → province → city and hour by hour, from the
/// rollups.
struct SKUDetail: Sendable, Codable {
    struct Hour: Sendable, Codable {
        var hourMs: Int64
        /// The hour's start in China Standard Time (`12-05 14:00`).
        var hour: String
        var sold: Int64
        var redemptions: Int64
        var revenueMinor: Int64
        var revenue: String
    }

    var gtin: String
    /// `all`, then each region, its provinces and their cities.
    var areas: [SKUSales.Row]
    var hours: [Hour]

    static func read(_ connection: PostgresConnection, gtin: String, now: Int64, logger: Logger) async throws -> SKUDetail {
        let result = try await connection.query("""
            WITH b AS (SELECT to_timestamp(\(now)::bigint / 1000.0) AS now_at, \(Overview.defaultTimeZone)::text AS default_tz),
            \(unescaped: RollupWindow.ctes)
            SELECT CASE WHEN GROUPING(s.region) = 1 THEN 'all' WHEN GROUPING(s.province) = 1 THEN 'region'
                        WHEN GROUPING(s.city) = 1 THEN 'province' ELSE 'city' END,
                   coalesce(s.region, ''), coalesce(s.province, ''), coalesce(s.city, ''),
                   count(DISTINCT t.store_id) FILTER (WHERE t.sold > 0)::bigint, coalesce(sum(t.sold), 0)::bigint,
                   coalesce(sum(t.returned), 0)::bigint, coalesce(sum(t.redemptions), 0)::bigint, coalesce(sum(t.revenue_minor), 0)::bigint
            FROM today_rollups t LEFT JOIN stores s ON s.store_id = t.store_id
            WHERE t.gtin = \(gtin)
            GROUP BY ROLLUP (s.region, s.province, s.city)
            ORDER BY s.region NULLS FIRST, s.province NULLS FIRST, s.city NULLS FIRST
            """, logger: logger)
        var areas: [SKUSales.Row] = []
        for try await (level, region, province, city, stores, sold, returned, redemptions, revenue) in result.decode(
            (String, String, String, String, Int64, Int64, Int64, Int64, Int64).self) {
            areas.append(SKUSales.Row(gtin: gtin, level: level, region: region, province: province, city: city, isTotal: level == "all",
                                      stores: stores, sold: sold, returned: returned, redemptions: redemptions, revenueMinor: revenue,
                                      revenue: Money.format(revenue)))
        }
        return SKUDetail(gtin: gtin, areas: areas, hours: try await Self.hours(connection, gtin: gtin, now: now, logger: logger))
    }

    /// Today's rollups (each store's own day) per hour: one GTIN's, or every GTIN's.
    static func hours(_ connection: PostgresConnection, gtin: String?, now: Int64, logger: Logger) async throws -> [Hour] {
        let result = try await connection.query("""
            WITH b AS (SELECT to_timestamp(\(now)::bigint / 1000.0) AS now_at, \(Overview.defaultTimeZone)::text AS default_tz),
            \(unescaped: RollupWindow.ctes)
            SELECT (extract(epoch FROM t.hour) * 1000)::bigint, sum(t.sold)::bigint, sum(t.redemptions)::bigint, sum(t.revenue_minor)::bigint
            FROM today_rollups t WHERE t.gtin <> '' AND (\(gtin)::text IS NULL OR t.gtin = \(gtin))
            GROUP BY t.hour ORDER BY t.hour
            """, logger: logger)
        var hours: [Hour] = []
        for try await (hour, sold, redemptions, revenue) in result.decode((Int64, Int64, Int64, Int64).self) {
            hours.append(Hour(hourMs: hour, hour: StoreTime.hourLabel(hour, zone: Overview.defaultTimeZone), sold: sold,
                              redemptions: redemptions, revenueMinor: revenue, revenue: Money.format(revenue)))
        }
        return hours
    }

    static func chart(_ hours: [Hour], language: ConsoleLanguage) -> String {
        SVGChart(id: "units-per-hour", title: language("units_per_hour"), bars: hours.map { .init(label: String($0.hour.suffix(5)), value: $0.sold) },
                 labelEvery: max(hours.count / 12, 1), emptyText: language("chart_empty")).svg
    }

    static let areasCSV = CSVTable<SKUSales.Row>(columns: [
        ("level", { $0.level }), ("region", { $0.region }), ("province", { $0.province }), ("city", { $0.city }),
        ("stores", { "\($0.stores)" }), ("units_sold", { "\($0.sold)" }), ("returned", { "\($0.returned)" }),
        ("redemptions", { "\($0.redemptions)" }), ("revenue", { $0.revenue }),
    ])

    static let hoursCSV = CSVTable<Hour>(columns: [
        ("hour", { $0.hour }), ("units_sold", { "\($0.sold)" }), ("redemptions", { "\($0.redemptions)" }), ("revenue", { $0.revenue }),
    ])
}
