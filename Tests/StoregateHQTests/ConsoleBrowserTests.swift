import Foundation
import StoregateHQ
import StoregateHQConsole
import StoregateTesting
import Testing

/// The console in a real browser (headless Chromium through selenium, Tests/StoregateHQTests/Browser) against the
/// real stack: PostgreSQL, mosquitto, a real `storegate run` gateway, storegate-hq with its console, users added with
/// the real `storegate-hq users add`.
@Suite(.serialized) struct ConsoleBrowserTests {
    static let python = "/usr/bin/python3"
    static let script = PostgresServer.packageRoot + "/Tests/StoregateHQTests/Browser/console_browser.py"

    @Test func aBrowserSeesRecountedFiguresLiveRedemptionsAndTheRolesAndExportsTheCSV() async throws {
        let harness = try HQHarness()
        var store = try RealGatewayTests.Gateway(store: "S-north", region: "CN-31", harness: harness)
        let units = (1...6).map { "01/09506000134352/21/W\($0)" }
        let csv = harness.directory.file("units.csv")
        try ("code\n" + units.joined(separator: "\n") + "\n").write(toFile: csv, atomically: true, encoding: .utf8)
        try RealGatewayTests.Gateway.run(store.binary, ["import", "--db", store.db, csv])

        var configuration = harness.configuration()
        configuration.console.listen = "127.0.0.1:0"
        // A batch message published before the new gateway has subscribed reaches no one; HQ sends it again until
        // the store reports it (every minute by default; here every 2 s).
        configuration.downlinkResendMilliseconds = 2_000
        let hq = try await harness.start(configuration, console: true)
        let port = try #require(hq.console?.listeningPort)
        _ = try harness.value("""
            INSERT INTO stores (store_id, name, region, province, city, county, distributor, time_zone)
            VALUES ('S-north', 'North', 'CN-31', '上海', 'Shanghai', '浦东新区', 'D-East', 'Asia/Shanghai')
            """)
        try store.start(harness.broker)
        defer { store.stop() }
        try await waitUntil("the gateway online at HQ", seconds: 30, interval: .milliseconds(100)) {
            (try? harness.int("SELECT count(*) FROM gateways WHERE status_state = 'online'")) == 1
        }
        // A batch issued for the store's region reaches its gateway, signed, and is reported applied.
        let issued = try await CodeBatchIssuer(database: hq.application.database, configuration: configuration)
            .issue(.init(gtin: "09506000134352", count: 5, campaign: nil, region: "CN-31", product: "cap"))
        // Applied, or `duplicate`: the gateway's first status makes HQ send the store its state again, which may carry
        // this batch's codes first (the console counts both as applied).
        do {
            try await waitUntil("the store applied the batch", seconds: 60, interval: .milliseconds(100)) {
                (try? harness.int("SELECT count(*) FROM batch_distribution WHERE state IN ('applied', 'duplicate')")) == 1
            }
        } catch {
            let distribution = (try? harness.value("SELECT string_agg(state || ' ' || coalesce(reason, ''), '; ') FROM batch_distribution")) ?? "?"
            let reports = (try? harness.value(
                "SELECT string_agg(stream || '#' || seq || ' ' || outcome || ' ' || coalesce(reason, ''), '; ') FROM downlink_reports")) ?? "?"
            Issue.record("distribution: \(distribution); reports: \(reports)")
            throw error
        }

        // Users through the real CLI: the operator's password from a file, the viewer's from stdin.
        let hqBinary = try StoregateBinary.path(named: "storegate-hq")
        let configFile = try harness.configurationFile()
        let passwordFile = harness.directory.file("olga.password")
        try "operator-password-3\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        let addOperator = try ChildProcess(executable: hqBinary, arguments: ["users", "add", "olga", "--role", "operator",
                                                                            "--password-file", passwordFile, "--config", configFile])
        #expect(addOperator.wait(seconds: 60) == 0)
        let addViewer = try ChildProcess(executable: "/bin/sh", arguments: [
            "-c", "printf 'viewer-password-3\\n' | \"$0\" users add victor --role viewer --config \"$1\"", hqBinary, configFile])
        #expect(addViewer.wait(seconds: 60) == 0)
        #expect(try harness.value("SELECT string_agg(name || ':' || role, ',' ORDER BY name) FROM users") == "olga:operator,victor:viewer")

        // The store's morning: two redemptions and a basket with money, through the real gateway.
        try store.operate("redeem", units[0])
        try store.operate("redeem", units[1])
        #expect(try store.ring("sale", #"{"receipt":"M-1","currency":"CNY","lines":[{"code":"\#(units[2])","unit_price":650},{"gtin":"4006381333931","quantity":2,"unit_price":250}]}"#,
                               directory: harness.directory) == 0)
        let length = try store.journalLength()
        try await waitUntil("HQ holds the store's journal", seconds: 60, interval: .milliseconds(100)) {
            (try? harness.int("SELECT watermark FROM gateways WHERE store_id = 'S-north'")) == length
        }
        _ = try harness.value("INSERT INTO alerts (kind, key, store_id, raised_ms) VALUES ('counterfeit_spike', 'browser-1', 'S-north', \(Int64(Date().timeIntervalSince1970 * 1000)))")
        let alertID = try harness.int("SELECT id FROM alerts WHERE key = 'browser-1'")

        let screenshots = harness.directory.file("screenshots")
        try FileManager.default.createDirectory(atPath: screenshots, withIntermediateDirectories: true)
        let input: [String: Any] = [
            "url": "http://127.0.0.1:\(port)", "operator": ["olga", "operator-password-3"], "viewer": ["victor", "viewer-password-3"],
            "screenshots": screenshots, "alert_id": alertID,
            "redeem": [store.binary, "redeem", "--db", store.db, "--lane", "1", "--operator", "browser", "https://id.gs1.org/\(issued.codes[0])"],
            "redeem_prefix": [store.binary, "redeem", "--db", store.db, "--lane", "1", "--operator", "browser"],
            "issue": ["gtin": "09506000134352", "count": 3, "region": "CN-31", "campaign": "browser-spring", "reward": "1.20"],
        ]
        let output = harness.directory.file("browser.json"), log = harness.directory.file("browser.log")
        let argument = String(decoding: try JSONSerialization.data(withJSONObject: input), as: UTF8.self)
        let browser = try ChildProcess(executable: Self.python, arguments: [Self.script, argument], stdoutFile: output, stderrFile: log)
        let status = browser.wait(seconds: 180)
        let errors = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        try #require(status == 0, "the browser script failed: \(errors)")
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Any])

        // What the browser showed before the live redemption equals a recount of the raw events (less that one, and
        // less the campaign code redeemed later in the script).
        let campaignRedemptions = try harness.int("""
            SELECT count(*) FROM events WHERE op = 'redeem' AND result = 'accepted' AND campaign = 'browser-spring'
            """)
        var recount = try ConsoleRecount.overview(harness, nowMs: Int64(Date().timeIntervalSince1970 * 1000)).today
        recount.redemptions -= campaignRedemptions
        let shown = try #require(seen["shown"] as? [String: String])
        #expect(seen["signed_in_as"] as? String == "olga")
        #expect(shown["redemptions"] == "\(recount.redemptions - 1)")
        #expect(shown["units_sold"] == "\(recount.unitsSold)")
        #expect(shown["revenue"] == "\(recount.revenueMinor / 100).\(String(format: "%02d", recount.revenueMinor % 100))")
        #expect(shown["active_stores"] == "\(recount.activeStores)")
        #expect(recount.redemptions == 3 && recount.unitsSold == 3 && recount.revenueMinor == 1_150)
        // The redemption made at the gateway appeared on the open page, without a reload, within 2 s.
        let liveMs = try #require(seen["live_ms"] as? Int)
        #expect(liveMs <= 2_000, "the redemption took \(liveMs) ms to show")
        #expect(seen["same_document"] as? Bool == true)
        #expect(seen["redemptions_after"] as? Int == recount.redemptions)
        print("console: a gateway redemption showed on the overview \(liveMs) ms after the command returned")

        // The CSV export holds the figures.
        let export = try #require(seen["csv"] as? [Any])
        #expect(export.first as? Int == 200)
        #expect((export[1] as? String)?.hasPrefix("text/csv") == true)
        #expect((export[2] as? String)?.contains("redemptions,\(recount.redemptions),") == true)

        // The operator acknowledged; the viewer got no form.
        #expect(seen["acknowledged_by"] as? String == "olga" && seen["note"] as? String == "checked the store by phone")
        #expect(try harness.value("SELECT acknowledged_by || '|' || note FROM alerts WHERE id = \(alertID)") == "olga|checked the store by phone")
        #expect(seen["viewer_ack_forms"] as? Int == 0 && seen["viewer_read_only_note"] as? Int == 1)
        #expect(seen["stores_rows"] as? Int == 1)
        // Two GTINs sold today (the serialised one and the plain one of the basket): a total and a region row each.
        #expect(seen["sku_rows"] as? Int == 4)
        #expect(seen["campaigns_title"] as? String == "Campaigns")
        // The operator issued a campaign's batch in the browser; the store applied its window and codes, and one of
        // its codes was accepted at the gateway (the campaign known there), counted on the campaign's page.
        let consoleBatch = try #require(seen["issued_batch_id"] as? String)
        #expect(try harness.value("SELECT campaign || '|' || count || '|' || reward_minor FROM code_batches WHERE batch_id = '\(consoleBatch)'")
                == "browser-spring|3|120")
        #expect(seen["issued_batch_applied"] as? Int == 1)
        #expect(seen["campaign_redeem_status"] as? Int == 0, "\(seen["campaign_redeem_output"] ?? "")")
        #expect(campaignRedemptions == 1 && seen["campaign_week"] as? String == "\(campaignRedemptions)")
        #expect(seen["campaign_reward_cost"] as? String == "1.20" && seen["campaign_hour_bars"] as? Int == 168)
        // Drilled down by region, province → city → county → store, to the store's page.
        #expect(seen["drill_levels"] as? [String] == ["province", "city", "county", "store"])
        #expect(seen["drill_end"] as? String == "/stores/S-north")
        // The viewer had no form and was refused.
        #expect(seen["viewer_issue_forms"] as? Int == 0 && seen["viewer_issue_status"] as? Int == 403)
        #expect(try harness.int("SELECT count(*) FROM code_batches") == 2)
        // The batch page: one store, applied; the code redeemed live is one of the batch's.
        #expect(seen["batch_rows"] as? [String] == [consoleBatch, issued.batchID])
        let batches = ConsoleBrowser(port: port)
        #expect(try await batches.signIn("victor", "viewer-password-3").status == 303)
        let batch = try #require((try await batches.get("/api/batches").json["batches"] as? [[String: Any]])?.last)
        #expect(batch["stores"] as? Int == 1 && batch["stores_applied"] as? Int == 1 && batch["redeemed"] as? Int == 1)
        #expect(batch["codes"] as? Int == 5 && batch["campaign"] as? String == "")
        let perStore = try await batches.get("/api/batches/\(issued.batchID)/stores.csv")
        #expect(perStore.status == 200 && perStore.text.contains("S-north,North,applied,1,5,"), "\(perStore.text)")
        let consoleErrors = seen["console_errors"] as? [Any] ?? ["missing"]
        #expect(consoleErrors.isEmpty, "browser console: \(consoleErrors)")

        // The overview, with the live number, for the README (made when missing, or again on request).
        let image = PostgresServer.packageRoot + "/docs/images/console-overview.png"
        if !FileManager.default.fileExists(atPath: image) || ProcessInfo.processInfo.environment["STOREGATE_UPDATE_SCREENSHOTS"] == "1" {
            try? FileManager.default.createDirectory(atPath: (image as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try? FileManager.default.removeItem(atPath: image)
            try FileManager.default.copyItem(atPath: screenshots + "/overview-live.png", toPath: image)
        }
        let campaignImage = PostgresServer.packageRoot + "/docs/images/console-campaign.png"
        if !FileManager.default.fileExists(atPath: campaignImage) || ProcessInfo.processInfo.environment["STOREGATE_UPDATE_SCREENSHOTS"] == "1" {
            try? FileManager.default.removeItem(atPath: campaignImage)
            try FileManager.default.copyItem(atPath: screenshots + "/campaign.png", toPath: campaignImage)
        }
        try await hq.stop()
    }
}
