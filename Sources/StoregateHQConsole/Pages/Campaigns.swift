import Foundation
import Logging
import PostgresNIO
import StoregateHQ

/// The campaigns page: per campaign, redemptions today (each store's own day) and over the last 7 days from the
/// rollups, the codes its batches issued and the stores applied, and the redemption rate (its batches' codes
/// redeemed ÷ codes distributed). A campaign's page drills its last 7 days down province → city → county → store.
struct Campaigns: Sendable, Codable {
    struct Campaign: Sendable, Codable {
        var campaign: String
        /// The campaign as a path segment (`/campaigns/{pathSegment}`), percent-encoded.
        var pathSegment: String
        var redemptionsToday: Int64
        var weekRedemptions: Int64
        /// Stores with a redemption of the campaign in the last 7 days.
        var weekStores: Int64
        var codesIssued: Int64
        /// Codes in messages the stores' gateways reported applied (or already had).
        var codesDistributed: Int64
        /// Codes of the campaign's batches redeemed (first accepted redemption per code, any time).
        var codesRedeemed: Int64
        /// `codesRedeemed ÷ codesDistributed` as a percentage with one decimal (`—` when nothing was distributed).
        var redemptionRate: String
    }

    /// One line of a campaign's drill-down: a province, city, county or store total (`level`), last 7 days.
    struct Area: Sendable, Codable {
        var level: String
        var province: String
        var city: String
        var county: String
        var storeId: String
        var redemptions: Int64
        var sold: Int64
        var stores: Int64
    }

    var campaigns: [Campaign]
    var areas: [Area] = []

    static func read(_ connection: PostgresConnection, campaign: String? = nil, now: Int64, logger: Logger) async throws -> Campaigns {
        var campaigns: [Campaign] = []
        // The 7-day bounds as bound values (not derived in SQL), so that the planner sees how few rows they select
        // and reads them through the hour index rather than scanning every rollup.
        let nowDate = Date(timeIntervalSince1970: Double(now) / 1_000)
        let weekAgo = nowDate.addingTimeInterval(-7 * 86_400)
        let rows = try await connection.query("""
            WITH b AS (SELECT to_timestamp(\(now)::bigint / 1000.0) AS now_at, \(Overview.defaultTimeZone)::text AS default_tz),
            \(unescaped: RollupWindow.ctes),
            today AS (SELECT campaign, sum(redemptions)::bigint AS n FROM today_rollups WHERE campaign <> '' GROUP BY campaign),
            week AS (
                SELECT r.campaign, sum(r.redemptions)::bigint AS n, count(DISTINCT r.store_id) FILTER (WHERE r.redemptions > 0)::bigint AS stores
                FROM rollups_hourly r
                WHERE r.hour > \(weekAgo) AND r.hour <= \(nowDate) AND r.campaign <> '' GROUP BY r.campaign
            ),
            issued AS (
                SELECT cb.campaign, sum(cb.count)::bigint AS codes,
                       coalesce(sum((SELECT sum(d.codes) FROM batch_distribution d
                                     WHERE d.batch_id = cb.batch_id AND d.state IN ('applied', 'duplicate'))), 0)::bigint AS distributed,
                       sum((SELECT count(*) FROM batch_codes c JOIN redemptions r ON r.code = c.code WHERE c.batch_id = cb.batch_id))::bigint AS redeemed
                FROM code_batches cb WHERE cb.campaign <> '' GROUP BY cb.campaign
            ),
            names AS (SELECT campaign FROM today UNION SELECT campaign FROM week UNION SELECT campaign FROM issued)
            SELECT n.campaign, coalesce(t.n, 0), coalesce(w.n, 0), coalesce(w.stores, 0), coalesce(i.codes, 0),
                   coalesce(i.distributed, 0), coalesce(i.redeemed, 0)
            FROM names n LEFT JOIN today t USING (campaign) LEFT JOIN week w USING (campaign) LEFT JOIN issued i USING (campaign)
            WHERE \(campaign)::text IS NULL OR n.campaign = \(campaign)
            ORDER BY coalesce(w.n, 0) DESC, n.campaign
            """, logger: logger)
        for try await (name, today, week, stores, issued, distributed, redeemed) in rows.decode(
            (String, Int64, Int64, Int64, Int64, Int64, Int64).self) {
            var segment = CharacterSet.urlPathAllowed
            segment.remove("/")
            campaigns.append(Campaign(campaign: name, pathSegment: name.addingPercentEncoding(withAllowedCharacters: segment) ?? name,
                                      redemptionsToday: today, weekRedemptions: week, weekStores: stores,
                                      codesIssued: issued, codesDistributed: distributed, codesRedeemed: redeemed,
                                      redemptionRate: Self.rate(redeemed, distributed)))
        }
        guard let campaign else { return Campaigns(campaigns: campaigns) }
        guard !campaigns.isEmpty else { throw ConsoleError.notFound("there is no campaign \(campaign)") }
        var areas: [Area] = []
        let drill = try await connection.query("""
            SELECT CASE WHEN GROUPING(s.province) = 1 THEN 'all' WHEN GROUPING(s.city) = 1 THEN 'province'
                        WHEN GROUPING(s.county) = 1 THEN 'city' WHEN GROUPING(r.store_id) = 1 THEN 'county' ELSE 'store' END,
                   coalesce(s.province, ''), coalesce(s.city, ''), coalesce(s.county, ''), coalesce(r.store_id, ''),
                   sum(r.redemptions)::bigint, sum(r.sold)::bigint, count(DISTINCT r.store_id) FILTER (WHERE r.redemptions > 0)::bigint
            FROM rollups_hourly r LEFT JOIN stores s ON s.store_id = r.store_id
            WHERE r.hour > \(weekAgo) AND r.hour <= \(nowDate) AND r.campaign = \(campaign)
            GROUP BY ROLLUP (s.province, s.city, s.county, r.store_id)
            ORDER BY s.province NULLS FIRST, s.city NULLS FIRST, s.county NULLS FIRST, r.store_id NULLS FIRST
            """, logger: logger)
        for try await (level, province, city, county, store, redemptions, sold, stores) in drill.decode(
            (String, String, String, String, String, Int64, Int64, Int64).self) {
            areas.append(Area(level: level, province: province, city: city, county: county, storeId: store, redemptions: redemptions,
                              sold: sold, stores: stores))
        }
        return Campaigns(campaigns: campaigns, areas: areas)
    }

    static func rate(_ redeemed: Int64, _ distributed: Int64) -> String {
        guard distributed > 0 else { return "—" }
        let permille = (redeemed * 1_000 + distributed / 2) / distributed
        return "\(permille / 10).\(permille % 10)%"
    }

    static let csv = CSVTable<Campaign>(columns: [
        ("campaign", { $0.campaign }), ("redemptions_today", { "\($0.redemptionsToday)" }),
        ("redemptions_7_days", { "\($0.weekRedemptions)" }), ("stores_7_days", { "\($0.weekStores)" }),
        ("codes_issued", { "\($0.codesIssued)" }), ("codes_distributed", { "\($0.codesDistributed)" }),
        ("redeemed", { "\($0.codesRedeemed)" }), ("redemption_rate", { $0.redemptionRate }),
    ])

    static let areasCSV = CSVTable<Area>(columns: [
        ("level", { $0.level }), ("province", { $0.province }), ("city", { $0.city }), ("county", { $0.county }),
        ("store", { $0.storeId }), ("redemptions_7_days", { "\($0.redemptions)" }), ("units_sold", { "\($0.sold)" }),
        ("stores", { "\($0.stores)" }),
    ])
}
