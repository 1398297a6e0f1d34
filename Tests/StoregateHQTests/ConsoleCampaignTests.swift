import Foundation
import Logging
import StoregateCore
import StoregateFoundation
import StoregateHQ
import StoregateHQConsole
import StoregateTesting
import Testing

/// The campaign and SKU pages over real HTTP against a real storegate-hq on a private PostgreSQL and mosquitto: every
/// figure compared with a recount of the raw events (or of the batches and redemptions), not with the rollups the
/// pages read.
@Suite(.serialized) struct ConsoleCampaignTests {
    static let gtin = "09506000134352"

    @Test func aCampaignsRewardCostUpliftChartsAndDrillDownsEqualRecounts() async throws {
        let harness = try HQHarness()
        let hq = try await harness.start(harness.configuration(), console: true)
        let port = try #require(hq.console?.listeningPort)
        try await ConsoleTests.addUser(hq, "vera", .viewer, "viewer-password-4")
        _ = try harness.value("""
            INSERT INTO stores (store_id, name, region, province, city, county, distributor) VALUES
                ('S-a', 'A', 'R1', 'P1', 'C1', 'K1', 'D1'), ('S-b', 'B', 'R1', 'P1', 'C1', 'K2', 'D2'),
                ('S-c', 'C', 'R1', 'P2', 'C3', 'K3', 'D1'), ('S-d', 'D', 'R2', 'P2', 'C4', 'K4', 'D2')
            """)
        let now = Timestamp.now.milliseconds
        let day: Int64 = 86_400_000
        // A batch of the campaign for region R1 (S-a, S-b, S-c), 1.50 per redemption, running since a month ago.
        let issued = try await CodeBatchIssuer(database: hq.application.database, configuration: harness.configuration())
            .issue(.init(gtin: Self.gtin, count: 10, campaign: "spring", region: "R1", product: "cap", rewardMinor: 150,
                         campaignStartsMs: now - 30 * day, campaignEndsMs: now + 30 * day))
        #expect(issued.stores == ["S-a", "S-b", "S-c"] && issued.messages == 6, "a policy and a codes message per store")
        _ = try harness.value("UPDATE batch_distribution SET state = 'applied'")

        // Redemptions of the batch's codes (S-a three, S-b one), and sell-out of the campaign's GTIN now and ten days ago.
        var messages: [(store: String, gateway: String, payload: [UInt8])] = []
        var next = 0
        for (store, redeemed, soldNow, soldBefore) in [("S-a", 3, 5, 2), ("S-b", 1, 3, 3), ("S-c", 0, 1, 1), ("S-d", 0, 2, 4)] {
            var gateway = SimulatedGateway(storeID: store, gatewayID: "G1")
            for _ in 0..<redeemed {
                messages.append((store, "G1", gateway.next(op: "redeem", code: issued.codes[next], campaign: "spring", timeMs: now - 3_000).payload))
                next += 1
            }
            for index in 0..<(soldNow + soldBefore) {
                let time = index < soldNow ? now - 2_000 : now - 10 * day
                messages.append((store, "G1", gateway.next(op: "sell", code: SimulatedGateway.unitCode(serial: "\(store)-\(index)"), timeMs: time).payload))
            }
        }
        let publisher = try await GatewayPublisher(broker: harness.broker)
        try await publisher.publish(messages)
        await publisher.stop()
        for (store, count) in [("S-a", 10), ("S-b", 7), ("S-c", 2), ("S-d", 6)] {
            try await harness.waitForWatermark(store: store, gateway: "G1", Int64(count))
        }

        let browser = ConsoleBrowser(port: port)
        #expect(try await browser.signIn("vera", "viewer-password-4").status == 303)
        let reply = try await browser.get("/api/campaigns/spring")
        #expect(reply.status == 200, "\(reply.text)")
        let page = reply.json
        let campaign = try #require((page["campaigns"] as? [[String: Any]])?.first)
        // Recounts: the batch's codes redeemed (redemptions table) × its reward; the campaign's accepted redemptions.
        let redeemed = try harness.int("SELECT count(*) FROM batch_codes c JOIN redemptions r ON r.code = c.code")
        let week = try harness.int("""
            SELECT count(*) FROM events WHERE op = 'redeem' AND result = 'accepted' AND campaign = 'spring' AND time_ms > \(now - 7 * day)
            """)
        #expect(redeemed == 4 && week == 4)
        #expect(campaign["codes_redeemed"] as? Int == redeemed && campaign["codes_distributed"] as? Int == 30)
        #expect(campaign["reward_cost_minor"] as? Int == redeemed * 150 && campaign["reward_cost"] as? String == "6.00")
        #expect(campaign["redemption_rate"] as? String == "13.3%" && campaign["week_redemptions"] as? Int == week)
        #expect(campaign["starts_ms"] as? Int == Int(now - 30 * day))

        // Per hour (168 hours) and per day (28 days), zeros included; each sums to the recount.
        let hours = try #require(page["hours"] as? [[String: Any]]), days = try #require(page["days"] as? [[String: Any]])
        #expect(hours.count == 168 && days.count == 28)
        #expect(hours.map { $0["redemptions"] as? Int ?? 0 }.reduce(0, +) == week)
        #expect(days.map { $0["redemptions"] as? Int ?? 0 }.reduce(0, +) == week)

        // The uplift from a recount of the sell events of the campaign's GTIN per store group and period.
        func sold(_ stores: String, from: Int64, to: Int64) throws -> Int {
            try harness.int("""
                SELECT count(*) FROM events WHERE op = 'sell' AND result = 'accepted' AND gtin = '\(Self.gtin)'
                  AND store_id IN (\(stores)) AND time_ms > \(from) AND time_ms <= \(to)
                """)
        }
        let participating = "'S-a', 'S-b', 'S-c'", others = "'S-d'"
        let (pNow, pBefore) = (try sold(participating, from: now - 7 * day, to: now), try sold(participating, from: now - 14 * day, to: now - 7 * day))
        let (oNow, oBefore) = (try sold(others, from: now - 7 * day, to: now), try sold(others, from: now - 14 * day, to: now - 7 * day))
        #expect((pNow, pBefore, oNow, oBefore) == (9, 6, 2, 4))
        // The uplift page (two weeks of every store's rollups of the campaign's SKUs).
        let upliftPage = try await browser.get("/api/campaigns/spring/uplift").json
        let uplift = try #require(upliftPage["uplift"] as? [String: Any])
        #expect(upliftPage["campaign"] as? String == "spring")
        let p = try #require(uplift["participating"] as? [String: Any]), o = try #require(uplift["others"] as? [String: Any])
        #expect(p["stores"] as? Int == 3 && p["sold_period"] as? Int == pNow && p["sold_before"] as? Int == pBefore)
        #expect(o["stores"] as? Int == 1 && o["sold_period"] as? Int == oNow && o["sold_before"] as? Int == oBefore)
        #expect(p["per_store_period"] as? String == "3.0" && p["per_store_before"] as? String == "2.0")
        // (9 / 6) / (2 / 4) − 1 = +200%; against the others (9 / 3) / (2 / 1) − 1 = +50%; against before 9 / 6 − 1 = +50%.
        #expect(uplift["uplift"] as? String == "+200.0%" && uplift["vs_others"] as? String == "+50.0%" && uplift["vs_before"] as? String == "+50.0%")
        #expect(uplift["gtins"] as? [String] == [Self.gtin])
        // Top stores by redemptions; every participating store ranked in the CSV.
        let top = try #require(upliftPage["top_stores"] as? [[String: Any]])
        #expect(top.map { $0["store_id"] as? String } == ["S-a", "S-b", "S-c"] && top.map { $0["redemptions"] as? Int } == [3, 1, 0])
        #expect(top.map { $0["sold"] as? Int } == [5, 3, 1])
        let storesCSV = try await browser.get("/api/campaigns/spring/uplift/stores.csv").text
        #expect(storesCSV.contains("1,S-a,A,P1,C1,D1,3,5\r\n") && storesCSV.contains("3,S-c,C,P2,C3,D1,0,1\r\n"), "\(storesCSV)")

        // The page: both charts as inline SVG (one bar per hour, the bars' values summing to the recount), the uplift.
        let html = try await browser.get("/campaigns/spring").text
        let hourChart = try #require(Self.svg(html, id: "redemptions-per-hour"))
        #expect(Self.barValues(hourChart).count == 168 && Self.barValues(hourChart).reduce(0, +) == week)
        #expect(Self.svg(html, id: "redemptions-per-day").map(Self.barValues)?.reduce(0, +) == week)
        #expect(html.contains(#"id="reward-cost">6.00<"#) && html.contains(#"href="/campaigns/spring/uplift""#))
        let upliftHTML = try await browser.get("/campaigns/spring/uplift").text
        #expect(upliftHTML.contains(#"id="uplift">+200.0%<"#) && upliftHTML.contains("Uplift = (participating per store"))
        #expect(html.contains(#"href="/campaigns/spring/regions""#) && html.contains(#"href="/campaigns/spring/distributors""#))

        // Drill down by region: each level's links lead to the next, and each level totals the recount.
        func redemptions(_ condition: String) throws -> Int {
            try harness.int("""
                SELECT count(*) FROM events e JOIN stores s USING (store_id)
                WHERE e.op = 'redeem' AND e.result = 'accepted' AND e.campaign = 'spring' AND \(condition)
                """)
        }
        var link = "/campaigns/spring/regions"
        for (level, name, condition) in [("province", "P1", "s.province = 'P1'"), ("city", "C1", "s.city = 'C1'"),
                                         ("county", "K1", "s.county = 'K1'"), ("store", "S-a", "s.store_id = 'S-a'")] {
            let drill = try await browser.get("/api" + link)
            #expect(drill.status == 200 && drill.json["level"] as? String == level, "\(link): \(drill.text)")
            let rows = try #require(drill.json["rows"] as? [[String: Any]])
            let row = try #require(rows.first { $0["name"] as? String == name }, "\(link): \(rows)")
            #expect(row["redemptions"] as? Int == (try redemptions(condition)), "\(link) \(name)")
            #expect((drill.json["total"] as? [String: Any])?["redemptions"] as? Int == rows.map { $0["redemptions"] as? Int ?? 0 }.reduce(0, +))
            let csv = try await browser.get("/api" + link.replacingOccurrences(of: "/regions", with: "/regions.csv"))
            #expect(csv.status == 200 && csv.text.contains("\(name),\(row["redemptions"] as? Int ?? -1),"), "\(csv.text)")
            let page = try await browser.get(link)
            // The link as HTML writes it (`&` as `&amp;`).
            let href = (row["link"] as? String ?? "-").replacingOccurrences(of: "&", with: "&amp;")
            #expect(page.status == 200 && page.text.contains("href=\"\(href)\""), "\(href) in \(page.text)")
            link = try #require(row["link"] as? String)
        }
        #expect(link == "/stores/S-a")
        // And by distributor, then a distributor's stores.
        let distributors = try #require(try await browser.get("/api/campaigns/spring/distributors").json["rows"] as? [[String: Any]])
        #expect(distributors.map { "\($0["name"] ?? "")=\($0["redemptions"] ?? "")" } == ["D1=\(try redemptions("s.distributor = 'D1'"))", "D2=1"])
        let d1 = try #require(try await browser.get("/api/campaigns/spring/distributors?distributor=D1").json["rows"] as? [[String: Any]])
        #expect(d1.map { $0["name"] as? String } == ["S-a"])

        // SKUs: today by hour and by region, the chart's bars summing to the recount of today's sells.
        let todaySold = try sold("'S-a', 'S-b', 'S-c', 'S-d'", from: now - 60_000, to: now)
        let sku = try await browser.get("/api/skus/\(Self.gtin)").json
        let areas = try #require(sku["areas"] as? [[String: Any]])
        #expect(areas.first?["level"] as? String == "all" && areas.first?["sold"] as? Int == todaySold)
        #expect(areas.filter { $0["level"] as? String == "region" }.map { "\($0["region"] ?? "")=\($0["sold"] ?? "")" } == ["R1=9", "R2=2"])
        #expect((sku["hours"] as? [[String: Any]])?.map { $0["sold"] as? Int ?? 0 }.reduce(0, +) == todaySold)
        let skuPage = try await browser.get("/skus/\(Self.gtin)").text
        #expect(Self.svg(skuPage, id: "units-per-hour").map(Self.barValues)?.reduce(0, +) == todaySold)
        #expect(try await browser.get("/api/skus/\(Self.gtin)/regions.csv").text.contains("region,R2,,,1,2,0,0,"))
        #expect(Self.svg(try await browser.get("/skus").text, id: "units-per-hour").map(Self.barValues)?.reduce(0, +) == todaySold)
        #expect(try await browser.get("/api/skus-hours.csv").status == 200)
        #expect(try await browser.get("/skus/12345").status == 400)

        // Refusals in the reader's language.
        let chinese = ["Accept-Language": "zh-CN"]
        let missing = try await browser.get("/campaigns/autumn", headers: chinese)
        #expect(missing.status == 404 && missing.text.contains("没有活动 autumn"))
        #expect(try await browser.get("/api/campaigns/autumn").json["error"] as? String == "there is no campaign autumn")
        #expect(try await browser.get("/api/campaigns/autumn/uplift").status == 404)
        let nowhere = try await browser.get("/no-such-page", headers: chinese)
        #expect(nowhere.status == 404 && nowhere.text.contains("没有页面 /no-such-page"), "\(nowhere.text)")
        try await hq.stop()
    }

    /// The `<svg …id="id"…>…</svg>` element of a page.
    static func svg(_ html: String, id: String) -> String? {
        guard let start = html.range(of: #"id="\#(id)""#), let end = html.range(of: "</svg>", range: start.upperBound..<html.endIndex) else { return nil }
        return String(html[start.lowerBound..<end.upperBound])
    }

    /// The `data-value` of each bar.
    static func barValues(_ svg: String) -> [Int] {
        svg.components(separatedBy: #"data-value=""#).dropFirst().compactMap { Int($0.prefix { $0.isNumber }) }
    }
}
