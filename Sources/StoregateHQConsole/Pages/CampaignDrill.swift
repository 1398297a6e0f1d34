import Foundation
import Logging
import PostgresNIO
import StoregateHQ

/// One level of a campaign's drill-down over its last 7 days, from the rollups: by region (province → city → county →
/// store) or by distributor (distributor → store). Each row links to the level below it; a store links to its page.
struct CampaignDrill: Sendable, Codable {
    struct Row: Sendable, Codable {
        /// The province, city, county, distributor or store id this row totals.
        var name: String
        /// As shown: the name, `(none)` for stores without one, a store's id with its name.
        var label: String
        var link: String
        var redemptions: Int64
        var sold: Int64
        /// Stores with a redemption of the campaign.
        var stores: Int64
    }

    struct Crumb: Sendable, Codable {
        var label: String
        var link: String
    }

    enum Dimension: String, Sendable {
        case region
        case distributor
    }

    var campaign: String
    var pathSegment: String
    /// `region` or `distributor`.
    var by: String
    /// What the rows are: `province`, `city`, `county`, `distributor` or `store`.
    var level: String
    var levelLabel: String
    var province: String?
    var city: String?
    var county: String?
    var distributor: String?
    var crumbs: [Crumb]
    var rows: [Row]
    var total: Row
    /// This level as JSON and as CSV.
    var jsonLink: String
    var csvLink: String

    /// The filters of a drill-down URL (`?province=…&city=…&county=…`, `?distributor=…`).
    struct Filters: Sendable {
        var province: String?
        var city: String?
        var county: String?
        var distributor: String?
    }

    static func read(_ connection: PostgresConnection, campaign: String, by dimension: Dimension, filters: Filters, now: Int64,
                     language: ConsoleLanguage, logger: Logger) async throws -> CampaignDrill {
        let segment = Campaigns.pathSegment(campaign)
        let base = "/campaigns/\(segment)/\(dimension == .region ? "regions" : "distributors")"
        let level: String
        var crumbs = [Crumb(label: language("all_areas"), link: base)]
        switch dimension {
        case .region:
            level = filters.county != nil ? "store" : filters.city != nil ? "county" : filters.province != nil ? "city" : "province"
            var query: [(String, String)] = []
            for (key, value) in [("province", filters.province), ("city", filters.city), ("county", filters.county)] {
                guard let value else { break }
                query.append((key, value))
                crumbs.append(Crumb(label: value.isEmpty ? language("none") : value, link: base + Self.query(query)))
            }
        case .distributor:
            level = filters.distributor != nil ? "store" : "distributor"
            if let distributor = filters.distributor {
                crumbs.append(Crumb(label: distributor.isEmpty ? language("none") : distributor,
                                    link: base + Self.query([("distributor", distributor)])))
            }
        }
        let key: String = switch level {
        case "province": "coalesce(s.province, '')"
        case "city": "coalesce(s.city, '')"
        case "county": "coalesce(s.county, '')"
        case "distributor": "coalesce(s.distributor, '')"
        default: "r.store_id"
        }
        // Each store's week first (from the campaign's index alone), then its level's rows over those.
        let weekAgo = Campaigns.date(now - 7 * Campaigns.dayMs), end = Campaigns.date(now)
        let result = try await connection.query("""
            WITH per_store AS (
                SELECT store_id, sum(redemptions) AS redemptions, sum(sold) AS sold FROM rollups_hourly
                WHERE campaign = \(campaign) AND hour > \(weekAgo) AND hour <= \(end) GROUP BY store_id
            )
            SELECT \(unescaped: key), max(coalesce(s.name, '')), sum(r.redemptions)::bigint, sum(r.sold)::bigint,
                   count(*) FILTER (WHERE r.redemptions > 0)::bigint
            FROM per_store r LEFT JOIN stores s ON s.store_id = r.store_id
            WHERE (\(filters.province)::text IS NULL OR coalesce(s.province, '') = \(filters.province))
              AND (\(filters.city)::text IS NULL OR coalesce(s.city, '') = \(filters.city))
              AND (\(filters.county)::text IS NULL OR coalesce(s.county, '') = \(filters.county))
              AND (\(filters.distributor)::text IS NULL OR coalesce(s.distributor, '') = \(filters.distributor))
            GROUP BY 1 ORDER BY 3 DESC, 1
            """, logger: logger)
        var rows: [Row] = []
        var total = Row(name: "", label: language("total"), link: "", redemptions: 0, sold: 0, stores: 0)
        let here: [(String, String)] = [("province", filters.province), ("city", filters.city), ("county", filters.county),
                                        ("distributor", filters.distributor)].compactMap { key, value in value.map { (key, $0) } }
        for try await (name, storeName, redemptions, sold, stores) in result.decode((String, String, Int64, Int64, Int64).self) {
            let label = level == "store" ? (storeName.isEmpty ? name : "\(name) \(storeName)") : name.isEmpty ? language("none") : name
            let link = level == "store" ? "/stores/\(Campaigns.pathSegment(name))" : base + Self.query(here + [(level, name)])
            rows.append(Row(name: name, label: label, link: link, redemptions: redemptions, sold: sold, stores: stores))
            total.redemptions += redemptions
            total.sold += sold
            total.stores += stores
        }
        return CampaignDrill(campaign: campaign, pathSegment: segment, by: dimension.rawValue, level: level,
                             levelLabel: language("level_" + level), province: filters.province, city: filters.city, county: filters.county,
                             distributor: filters.distributor, crumbs: crumbs, rows: rows, total: total,
                             jsonLink: "/api" + base + (here.isEmpty ? "" : Self.query(here)),
                             csvLink: "/api" + base + ".csv" + (here.isEmpty ? "" : Self.query(here)))
    }

    /// `?a=1&b=2`, each value percent-encoded (a space as `%20`).
    static func query(_ items: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return "?" + items.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
    }

    static let csv = CSVTable<Row>(columns: [
        ("name", { $0.name }), ("redemptions_7_days", { "\($0.redemptions)" }), ("units_sold", { "\($0.sold)" }),
        ("stores", { "\($0.stores)" }),
    ])
}
