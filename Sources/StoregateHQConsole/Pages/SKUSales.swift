import Logging
import PostgresNIO
import StoregateHQ

/// The SKUs page: today's sell-out per GTIN (each store's own day, from the rollups), in total and per region and
/// province.
struct SKUSales: Sendable, Codable {
    struct Row: Sendable, Codable {
        var gtin: String
        /// Empty on a GTIN's total row.
        var region: String
        var province: String
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
            rows.append(Row(gtin: gtin, region: total ? "" : region, province: total ? "" : province, isTotal: total, stores: stores,
                            sold: sold, returned: returned, redemptions: redemptions, revenueMinor: revenue,
                            revenue: Money.format(revenue)))
        }
        return SKUSales(rows: rows)
    }

    static let csv = CSVTable<Row>(columns: [
        ("gtin", { $0.gtin }), ("region", { $0.isTotal ? "*" : $0.region }), ("province", { $0.isTotal ? "*" : $0.province }),
        ("stores", { "\($0.stores)" }), ("units_sold", { "\($0.sold)" }), ("returned", { "\($0.returned)" }),
        ("redemptions", { "\($0.redemptions)" }), ("revenue", { $0.revenue }),
    ])
}
