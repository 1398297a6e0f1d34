import Foundation
import Logging
import PostgresNIO
import StoregateHQ

/// The campaigns page: per campaign, redemptions today (each store's own day) and over the last 7 days from the
/// rollups, the codes its batches issued and the stores applied, the redemption rate (its batches' codes redeemed ÷
/// codes distributed) and the reward cost (each redeemed code's batch reward, summed). A campaign's page adds its
/// redemptions per hour and per day and its last 7 days by province → city → county → store (`areas`; one level at
/// a time: ``CampaignDrill``); its uplift page the uplift of its SKUs' sell-out (``Uplift``) and its top and bottom
/// stores (a page of its own: it reads two weeks of every store's rollups of the SKUs).
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
        /// Σ over the campaign's batches of (codes redeemed × the batch's reward), minor units.
        var rewardCostMinor: Int64
        var rewardCost: String
        /// The redemption window HQ sends the stores (`campaigns`; nil for a campaign no batch was issued for since).
        var startsMs: Int64?
        var endsMs: Int64?
        var runs: String
    }

    /// Redemptions in one hour (UTC hour start) or one day (China Standard Time).
    struct Point: Sendable, Codable {
        var startMs: Int64
        var label: String
        var redemptions: Int64
    }

    /// One group of stores in the uplift: how many, and the campaign SKUs' units they sold in the period and before.
    struct StoreGroup: Sendable, Codable {
        var stores: Int64 = 0
        var soldPeriod: Int64 = 0
        var soldBefore: Int64 = 0
        var perStorePeriod: String = "—"
        var perStoreBefore: String = "—"
        /// `soldPeriod ÷ soldBefore − 1`, as a percentage.
        var growth: String = "—"

        mutating func describe() {
            self.perStorePeriod = Self.perStore(self.soldPeriod, self.stores)
            self.perStoreBefore = Self.perStore(self.soldBefore, self.stores)
            self.growth = Campaigns.percentChange(self.soldPeriod, self.soldBefore)
        }

        /// Units per store with one decimal, rounded half up.
        static func perStore(_ units: Int64, _ stores: Int64) -> String {
            guard stores > 0 else { return "—" }
            let tenths = (units * 10 * 2 + stores) / (2 * stores)
            return "\(tenths / 10).\(tenths % 10)"
        }
    }

    /// Sell-out of the campaign's SKUs, participating stores against the others and against the period before:
    /// `uplift = (P_period ÷ P_before) ÷ (O_period ÷ O_before) − 1` with P and O the units per store of the
    /// participating and the other stores (docs/hq.md, "Campaign uplift").
    struct Uplift: Sendable, Codable {
        var periodStartMs: Int64
        var periodStart: String
        var beforeStartMs: Int64
        var beforeStart: String
        var gtins: [String]
        var participating = StoreGroup()
        var others = StoreGroup()
        /// Participating stores' units per store in the period ÷ the others' − 1.
        var vsOthers = "—"
        /// Participating stores' units per store in the period ÷ before − 1.
        var vsBefore = "—"
        var uplift = "—"
    }

    /// A participating store: its redemptions of the campaign and its units of the campaign's SKUs in the period.
    struct StoreResult: Sendable, Codable {
        var rank: Int
        var storeId: String
        var name: String
        var province: String
        var city: String
        var distributor: String
        var redemptions: Int64
        var sold: Int64
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

    /// The campaigns (the list), or the one a campaign's page is about; empty on its uplift page, which names it here:
    var campaigns: [Campaign]
    var campaign: String?
    var pathSegment: String?
    var areas: [Area] = []
    var hours: [Point] = []
    var days: [Point] = []
    var uplift: Uplift?
    /// Every participating store, most redemptions first (top and bottom on the page).
    var stores: [StoreResult] = []
    var topStores: [StoreResult] = []
    var bottomStores: [StoreResult] = []

    static let shownStores = 5

    /// What a campaign's pages show besides its figures: its series and areas (its page), or its uplift and stores
    /// (its uplift page).
    enum Detail: Sendable {
        case activity
        case uplift
    }

    static func read(_ connection: PostgresConnection, campaign: String? = nil, detail: Detail = .activity, now: Int64,
                     logger: Logger) async throws -> Campaigns {
        if let campaign, detail == .uplift { return try await Self.readUplift(connection, campaign: campaign, now: now, logger: logger) }
        var campaigns: [Campaign] = []
        // The 7-day bounds as bound values (not derived in SQL), so that the planner sees how few rows they select
        // and reads them through the hour index rather than scanning every rollup.
        let nowDate = Date(timeIntervalSince1970: Double(now) / 1_000)
        let weekAgo = nowDate.addingTimeInterval(-7 * 86_400)
        let rows = try await connection.query("""
            WITH b AS (SELECT to_timestamp(\(now)::bigint / 1000.0) AS now_at, \(Overview.defaultTimeZone)::text AS default_tz),
            \(unescaped: RollupWindow.ctes),
            today AS (
                SELECT campaign, sum(redemptions)::bigint AS n FROM today_rollups
                WHERE campaign <> '' AND (\(campaign)::text IS NULL OR campaign = \(campaign)) GROUP BY campaign
            ),
            week AS (
                SELECT r.campaign, sum(r.redemptions)::bigint AS n, count(DISTINCT r.store_id) FILTER (WHERE r.redemptions > 0)::bigint AS stores
                FROM rollups_hourly r
                WHERE r.hour > \(weekAgo) AND r.hour <= \(nowDate) AND r.campaign <> ''
                  AND (\(campaign)::text IS NULL OR r.campaign = \(campaign))
                GROUP BY r.campaign
            ),
            batch_counts AS (
                SELECT cb.campaign, cb.count, cb.reward_minor,
                       (SELECT coalesce(sum(d.codes), 0) FROM batch_distribution d
                        WHERE d.batch_id = cb.batch_id AND d.state IN ('applied', 'duplicate')) AS distributed,
                       (SELECT count(*) FROM batch_codes c JOIN redemptions r ON r.code = c.code WHERE c.batch_id = cb.batch_id) AS redeemed
                FROM code_batches cb WHERE cb.campaign <> '' AND (\(campaign)::text IS NULL OR cb.campaign = \(campaign))
            ),
            issued AS (
                SELECT campaign, sum(count)::bigint AS codes, sum(distributed)::bigint AS distributed, sum(redeemed)::bigint AS redeemed,
                       sum(redeemed * reward_minor)::bigint AS cost
                FROM batch_counts GROUP BY campaign
            ),
            names AS (SELECT campaign FROM today UNION SELECT campaign FROM week UNION SELECT campaign FROM issued)
            SELECT n.campaign, coalesce(t.n, 0), coalesce(w.n, 0), coalesce(w.stores, 0), coalesce(i.codes, 0),
                   coalesce(i.distributed, 0), coalesce(i.redeemed, 0), coalesce(i.cost, 0), c.starts_ms, c.ends_ms
            FROM names n LEFT JOIN today t USING (campaign) LEFT JOIN week w USING (campaign) LEFT JOIN issued i USING (campaign)
            LEFT JOIN campaigns c ON c.name = n.campaign
            WHERE \(campaign)::text IS NULL OR n.campaign = \(campaign)
            ORDER BY coalesce(w.n, 0) DESC, n.campaign
            """, logger: logger)
        for try await (name, today, week, stores, issued, distributed, redeemed, cost, starts, ends) in rows.decode(
            (String, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64?, Int64?).self) {
            campaigns.append(Campaign(campaign: name, pathSegment: Self.pathSegment(name),
                                      redemptionsToday: today, weekRedemptions: week, weekStores: stores,
                                      codesIssued: issued, codesDistributed: distributed, codesRedeemed: redeemed,
                                      redemptionRate: Self.rate(redeemed, distributed), rewardCostMinor: cost, rewardCost: Money.format(cost),
                                      startsMs: starts, endsMs: ends, runs: Self.runs(starts, ends)))
        }
        guard let campaign else { return Campaigns(campaigns: campaigns) }
        guard !campaigns.isEmpty else { throw ConsoleError.notFound("err_no_campaign", .text(campaign)) }
        var areas: [Area] = []
        // Each store's week first (from the campaign's index alone), then the levels over those rows: grouping the
        // week's rollup rows four ways took ~8 times as long. ROLLUP's grand total is a row even when no rollup
        // matches: its sums are NULL then, read as 0.
        let drill = try await connection.query("""
            WITH per_store AS (
                SELECT store_id, sum(redemptions) AS redemptions, sum(sold) AS sold FROM rollups_hourly
                WHERE hour > \(weekAgo) AND hour <= \(nowDate) AND campaign = \(campaign) GROUP BY store_id
            )
            SELECT CASE WHEN GROUPING(s.province) = 1 THEN 'all' WHEN GROUPING(s.city) = 1 THEN 'province'
                        WHEN GROUPING(s.county) = 1 THEN 'city' WHEN GROUPING(r.store_id) = 1 THEN 'county' ELSE 'store' END,
                   coalesce(s.province, ''), coalesce(s.city, ''), coalesce(s.county, ''), coalesce(r.store_id, ''),
                   coalesce(sum(r.redemptions), 0)::bigint, coalesce(sum(r.sold), 0)::bigint,
                   count(*) FILTER (WHERE r.redemptions > 0)::bigint
            FROM per_store r LEFT JOIN stores s ON s.store_id = r.store_id
            GROUP BY ROLLUP (s.province, s.city, s.county, r.store_id)
            ORDER BY s.province NULLS FIRST, s.city NULLS FIRST, s.county NULLS FIRST, r.store_id NULLS FIRST
            """, logger: logger)
        for try await (level, province, city, county, store, redemptions, sold, stores) in drill.decode(
            (String, String, String, String, String, Int64, Int64, Int64).self) {
            areas.append(Area(level: level, province: province, city: city, county: county, storeId: store, redemptions: redemptions,
                              sold: sold, stores: stores))
        }
        var page = Campaigns(campaigns: campaigns, areas: areas)
        (page.hours, page.days) = try await Self.series(connection, campaign: campaign, now: now, logger: logger)
        return page
    }

    /// A name as one path segment (`/campaigns/{segment}`), percent-encoded.
    static func pathSegment(_ name: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove("/")
        allowed.remove(";")
        return name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name
    }

    static func runs(_ starts: Int64?, _ ends: Int64?) -> String {
        guard let starts, let ends else { return "" }
        return "\(StoreTime.format(starts, zone: Overview.defaultTimeZone)) – \(StoreTime.format(ends, zone: Overview.defaultTimeZone))"
    }

    static let hourMs: Int64 = 3_600_000
    static let dayMs: Int64 = 86_400_000
    /// China Standard Time (no daylight saving), for the days of the daily chart.
    static let chinaOffsetMs: Int64 = 8 * 3_600_000

    /// Redemptions per hour over the last 7 days (the hours whose start is after now − 7 days: 168) and per day over
    /// the last 28 days (China Standard Time, today included), zeros included.
    static func series(_ connection: PostgresConnection, campaign: String, now: Int64,
                       logger: Logger) async throws -> (hours: [Point], days: [Point]) {
        let currentHour = now - ((now % Self.hourMs) + Self.hourMs) % Self.hourMs
        let firstHour = currentHour - 167 * Self.hourMs
        let today = (now + Self.chinaOffsetMs) - ((now + Self.chinaOffsetMs) % Self.dayMs + Self.dayMs) % Self.dayMs - Self.chinaOffsetMs
        let firstDay = today - 27 * Self.dayMs
        var byHour: [Int64: Int64] = [:], byDay: [Int64: Int64] = [:]
        let rows = try await connection.query("""
            SELECT (extract(epoch FROM hour) * 1000)::bigint, sum(redemptions)::bigint FROM rollups_hourly
            WHERE campaign = \(campaign) AND hour >= \(Self.date(min(firstHour, firstDay))) AND hour <= \(Self.date(now))
            GROUP BY hour
            """, logger: logger)
        for try await (hour, redemptions) in rows.decode((Int64, Int64).self) {
            if hour >= firstHour { byHour[hour, default: 0] += redemptions }
            if hour >= firstDay {
                let day = firstDay + (hour - firstDay) / Self.dayMs * Self.dayMs
                byDay[day, default: 0] += redemptions
            }
        }
        let hours = stride(from: firstHour, through: currentHour, by: Int(Self.hourMs)).map { (hour: Int64) -> Point in
            Point(startMs: hour, label: StoreTime.hourLabel(hour, zone: Overview.defaultTimeZone), redemptions: byHour[hour] ?? 0)
        }
        let days = stride(from: firstDay, through: today, by: Int(Self.dayMs)).map { (day: Int64) -> Point in
            Point(startMs: day, label: String(StoreTime.format(day, zone: Overview.defaultTimeZone).prefix(10)), redemptions: byDay[day] ?? 0)
        }
        return (hours, days)
    }

    static func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1_000) }

    /// The uplift and the participating stores' results (``Uplift``). The period is the campaign's last 7 days, or
    /// since its window started when that is later; "before" is as long, just before it. Hour granularity: an hour
    /// counts in the period when its start is after the period's start.
    /// Only what the uplift needs of the campaign (that it exists, and its window's start): the campaigns list's
    /// figures would double the page's time.
    static func readUplift(_ connection: PostgresConnection, campaign name: String, now: Int64, logger: Logger) async throws -> Campaigns {
        let found = try await connection.query("""
            SELECT c.starts_ms FROM (SELECT 1) AS one LEFT JOIN campaigns c ON c.name = \(name)
            WHERE EXISTS (SELECT 1 FROM campaigns WHERE name = \(name)) OR EXISTS (SELECT 1 FROM code_batches WHERE campaign = \(name))
               OR EXISTS (SELECT 1 FROM rollups_hourly WHERE hour > \(Self.date(now - 7 * Self.dayMs)) AND hour <= \(Self.date(now))
                          AND campaign = \(name) AND campaign <> '')
            """, logger: logger)
        var exists = false, startsMs: Int64?
        for try await starts in found.decode(Int64?.self) { (exists, startsMs) = (true, starts) }
        guard exists else { throw ConsoleError.notFound("err_no_campaign", .text(name)) }
        var page = Campaigns(campaigns: [], campaign: name, pathSegment: Self.pathSegment(name))
        try await page.readUplift(connection, campaign: name, startsMs: startsMs, now: now, logger: logger)
        return page
    }

    mutating func readUplift(_ connection: PostgresConnection, campaign name: String, startsMs: Int64?, now: Int64, logger: Logger) async throws {
        let periodStart = max(startsMs ?? 0, now - 7 * Self.dayMs)
        let length = max(now - periodStart, Self.hourMs)
        let beforeStart = now - 2 * length
        let (period, before, end) = (Self.date(now - length), Self.date(beforeStart), Self.date(now))
        var uplift = Uplift(periodStartMs: now - length, periodStart: StoreTime.format(now - length, zone: Overview.defaultTimeZone),
                            beforeStartMs: beforeStart, beforeStart: StoreTime.format(beforeStart, zone: Overview.defaultTimeZone), gtins: [])
        let gtins = try await connection.query("""
            SELECT gtin FROM code_batches WHERE campaign = \(name)
            UNION SELECT gtin FROM rollups_hourly WHERE campaign = \(name) AND hour > \(period) AND hour <= \(end) AND gtin <> ''
            ORDER BY 1
            """, logger: logger)
        for try await gtin in gtins.decode(String.self) { uplift.gtins.append(gtin) }
        let rows = try await connection.query("""
            WITH redeemed AS (
                SELECT store_id, sum(redemptions)::bigint AS n FROM rollups_hourly
                WHERE campaign = \(name) AND hour > \(period) AND hour <= \(end) GROUP BY store_id
            ),
            part AS (
                SELECT d.store_id FROM batch_distribution d JOIN code_batches b ON b.batch_id = d.batch_id WHERE b.campaign = \(name)
                UNION SELECT store_id FROM redeemed WHERE n > 0
            ),
            sold AS (
                SELECT store_id, sum(sold) FILTER (WHERE hour > \(period))::bigint AS period, sum(sold) FILTER (WHERE hour <= \(period))::bigint AS before
                FROM rollups_hourly WHERE hour > \(before) AND hour <= \(end) AND gtin = ANY(\(uplift.gtins)::text[])
                GROUP BY store_id
            ),
            universe AS (SELECT store_id FROM stores UNION SELECT store_id FROM part)
            SELECT u.store_id, p.store_id IS NOT NULL, coalesce(s.name, ''), coalesce(s.province, ''), coalesce(s.city, ''),
                   coalesce(s.distributor, ''), coalesce(x.period, 0), coalesce(x.before, 0), coalesce(r.n, 0)
            FROM universe u LEFT JOIN part p ON p.store_id = u.store_id LEFT JOIN stores s ON s.store_id = u.store_id
            LEFT JOIN sold x ON x.store_id = u.store_id LEFT JOIN redeemed r ON r.store_id = u.store_id
            """, logger: logger)
        var stores: [StoreResult] = []
        for try await (store, participating, name, province, city, distributor, soldPeriod, soldBefore, redemptions) in rows.decode(
            (String, Bool, String, String, String, String, Int64, Int64, Int64).self) {
            if participating {
                uplift.participating.stores += 1
                uplift.participating.soldPeriod += soldPeriod
                uplift.participating.soldBefore += soldBefore
                stores.append(StoreResult(rank: 0, storeId: store, name: name, province: province, city: city, distributor: distributor,
                                          redemptions: redemptions, sold: soldPeriod))
            } else {
                uplift.others.stores += 1
                uplift.others.soldPeriod += soldPeriod
                uplift.others.soldBefore += soldBefore
            }
        }
        uplift.participating.describe()
        uplift.others.describe()
        let p = uplift.participating, o = uplift.others
        // Units per store: a ratio of two per-store figures is a ratio of rationals, compared without rounding first.
        uplift.vsBefore = Self.percentChange(p.soldPeriod, p.soldBefore)
        uplift.vsOthers = Self.percentChange(p.soldPeriod * o.stores, o.soldPeriod * p.stores)
        uplift.uplift = Self.percentChange(p.soldPeriod * o.soldBefore, p.soldBefore * o.soldPeriod)
        self.uplift = uplift
        stores.sort { ($0.redemptions, $1.storeId) > ($1.redemptions, $0.storeId) }
        for index in stores.indices { stores[index].rank = index + 1 }
        self.stores = stores
        self.topStores = Array(stores.prefix(Self.shownStores))
        self.bottomStores = Array(stores.dropFirst(Self.shownStores).suffix(Self.shownStores).reversed())
    }

    /// `numerator ÷ denominator − 1` as a signed percentage with one decimal (`+12.5%`, `−3.0%`); `—` without a
    /// denominator.
    static func percentChange(_ numerator: Int64, _ denominator: Int64) -> String {
        guard denominator > 0, numerator >= 0 else { return "—" }
        let permille = (Double(numerator) / Double(denominator) - 1) * 1_000
        let rounded = Int64(permille.rounded())
        let sign = rounded > 0 ? "+" : rounded < 0 ? "−" : ""
        return "\(sign)\(abs(rounded) / 10).\(abs(rounded) % 10)%"
    }

    static func rate(_ redeemed: Int64, _ distributed: Int64) -> String {
        guard distributed > 0 else { return "—" }
        let permille = (redeemed * 1_000 + distributed / 2) / distributed
        return "\(permille / 10).\(permille % 10)%"
    }

    static let hoursCSV = CSVTable<Point>(columns: [("hour", { $0.label }), ("redemptions", { "\($0.redemptions)" })])
    static let daysCSV = CSVTable<Point>(columns: [("day", { $0.label }), ("redemptions", { "\($0.redemptions)" })])
    static let storesCSV = CSVTable<StoreResult>(columns: [
        ("id", { "\($0.rank)" }), ("store", { $0.storeId }), ("name", { $0.name }), ("province", { $0.province }), ("city", { $0.city }),
        ("distributor", { $0.distributor }), ("redemptions", { "\($0.redemptions)" }), ("campaign_units", { "\($0.sold)" }),
    ])

    static let csv = CSVTable<Campaign>(columns: [
        ("campaign", { $0.campaign }), ("redemptions_today", { "\($0.redemptionsToday)" }),
        ("redemptions_7_days", { "\($0.weekRedemptions)" }), ("stores_7_days", { "\($0.weekStores)" }),
        ("codes_issued", { "\($0.codesIssued)" }), ("codes_distributed", { "\($0.codesDistributed)" }),
        ("redeemed", { "\($0.codesRedeemed)" }), ("redemption_rate", { $0.redemptionRate }), ("reward_cost", { $0.rewardCost }),
        ("runs", { $0.runs }),
    ])

    static let areasCSV = CSVTable<Area>(columns: [
        ("level", { $0.level }), ("province", { $0.province }), ("city", { $0.city }), ("county", { $0.county }),
        ("store", { $0.storeId }), ("redemptions_7_days", { "\($0.redemptions)" }), ("units_sold", { "\($0.sold)" }),
        ("stores", { "\($0.stores)" }),
    ])
}
