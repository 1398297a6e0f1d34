import Foundation
import Logging
import StoregateCore
import StoregateFoundation
import StoregateHQ
@testable import StoregateHQConsole
import StoregateTesting
import Testing

/// The web console over real HTTP, against a real storegate-hq (ingest, jobs, console) on a private PostgreSQL and
/// mosquitto.
@Suite(.serialized) struct ConsoleTests {
    static func addUser(_ hq: RunningHQ, _ name: String, _ role: ConsoleRole, _ password: String) async throws {
        let logger = Logger(label: "console-test")
        _ = try await ConsoleUsers(database: hq.application.database, logger: logger)
            .add(name: name, role: role, password: password, now: Timestamp.now.milliseconds)
    }

    @Test func loginSessionsCSRFRateLimitsAndRolesHoldOverRealHTTP() async throws {
        let harness = try HQHarness()
        let hq = try await harness.start(harness.configuration(), console: true)
        let port = try #require(hq.console?.listeningPort)
        try await Self.addUser(hq, "olga", .operator, "operator-password-1")
        try await Self.addUser(hq, "victor", .viewer, "viewer-password-1")
        _ = try harness.value("INSERT INTO alerts (kind, key, store_id, raised_ms) VALUES ('gateway_offline', 'k-1', 'S-1', 1780000000000)")
        let alertID = try harness.int("SELECT id FROM alerts WHERE key = 'k-1'")

        // Nothing without a session: pages go to the login form, the API says 401.
        let anonymous = ConsoleBrowser(port: port)
        let page = try await anonymous.get("/")
        #expect(page.status == 303 && page.headers["location"] == "/login")
        let api = try await anonymous.get("/api/overview")
        #expect(api.status == 401 && (api.json["error"] as? String ?? "").contains("sign in"))

        // The login form carries a CSRF token, also held in an HttpOnly SameSite=Strict cookie; a POST without it is 403.
        let form = try await anonymous.get("/login")
        #expect(form.status == 200)
        let loginToken = try #require(ConsoleBrowser.csrf(in: form.text))
        #expect(anonymous.cookies["sg_login"] == loginToken)
        let noToken = try await anonymous.post("/login", form: ["user": "olga", "password": "operator-password-1"])
        #expect(noToken.status == 403 && noToken.text.contains("CSRF"))
        let wrongToken = try await anonymous.post("/login", form: ["user": "olga", "password": "operator-password-1", "csrf": "forged"])
        #expect(wrongToken.status == 403)
        #expect(try harness.int("SELECT count(*) FROM sessions") == 0)

        // A wrong password is 401 and opens nothing; the right one sets the session cookie and redirects.
        let operatorBrowser = ConsoleBrowser(port: port)
        let wrong = try await operatorBrowser.signIn("olga", "not-the-password")
        #expect(wrong.status == 401 && wrong.text.contains("wrong user name or password"))
        let signedIn = try await operatorBrowser.signIn("olga", "operator-password-1")
        #expect(signedIn.status == 303 && signedIn.headers["location"] == "/")
        let sessionCookie = try #require(operatorBrowser.lastCookieHeaders.first { $0.hasPrefix("sg_session=") })
        #expect(sessionCookie.contains("HttpOnly") && sessionCookie.contains("SameSite=Strict") && sessionCookie.contains("Path=/"))
        // The database holds the token's hash, never the token.
        let token = try #require(operatorBrowser.cookies["sg_session"])
        #expect(try harness.int("SELECT count(*) FROM sessions WHERE user_name = 'olga'") == 1)
        #expect(try harness.int("SELECT count(*) FROM sessions WHERE encode(token_hash, 'escape') LIKE '%\(token.prefix(8))%'") == 0)
        let overview = try await operatorBrowser.get("/api/overview")
        #expect(overview.status == 200 && overview.json["open_alerts"] as? Int == 1)
        #expect(try await operatorBrowser.get("/").text.contains(#"id="user">olga<"#))

        // Acknowledging: the session's CSRF token is required; a note is required; an unknown alert is 404.
        let alerts = try await operatorBrowser.get("/alerts")
        let csrf = try #require(ConsoleBrowser.csrf(in: alerts.text))
        #expect(alerts.text.contains("/alerts/\(alertID)/acknowledge"))
        #expect(try await operatorBrowser.post("/alerts/\(alertID)/acknowledge", form: ["note": "on it"]).status == 403)
        #expect(try await operatorBrowser.post("/alerts/\(alertID)/acknowledge", form: ["note": "  ", "csrf": csrf]).status == 400)
        #expect(try await operatorBrowser.post("/alerts/999999/acknowledge", form: ["note": "x", "csrf": csrf]).status == 404)
        #expect(try await operatorBrowser.post("/alerts/abc/acknowledge", form: ["note": "x", "csrf": csrf]).status == 400)
        // A form posted from another site is refused even with the token.
        let crossSite = try await operatorBrowser.post("/alerts/\(alertID)/acknowledge", form: ["note": "x", "csrf": csrf],
                                                       headers: ["Origin": "http://evil.example"])
        #expect(crossSite.status == 403)
        // Another port of the same host is another site too, also when the Host names none (the console on port 80).
        for (origin, host) in [("http://console.example:8080", "console.example"), ("http://127.0.0.1:1", "127.0.0.1:\(port)")] {
            let otherPort = try await operatorBrowser.post("/alerts/\(alertID)/acknowledge", form: ["note": "x", "csrf": csrf],
                                                           headers: ["Origin": origin, "Host": host])
            #expect(otherPort.status == 403, "\(origin) posting to \(host)")
        }
        let sameSite = try await operatorBrowser.post("/alerts/999999/acknowledge", form: ["note": "x", "csrf": csrf],
                                                      headers: ["Origin": "http://console.example", "Host": "console.example:80"])
        #expect(sameSite.status == 404, "the default port written out is the same site")
        #expect(try harness.value("SELECT coalesce(acknowledged_by, '-') FROM alerts WHERE id = \(alertID)") == "-")

        // A viewer sees the alert but no acknowledge form, and a forged POST with the viewer's own token is 403.
        let viewer = ConsoleBrowser(port: port)
        #expect(try await viewer.signIn("victor", "viewer-password-1").status == 303)
        let viewerAlerts = try await viewer.get("/alerts")
        #expect(viewerAlerts.status == 200 && viewerAlerts.text.contains("alert-\(alertID)"))
        #expect(!viewerAlerts.text.contains("/acknowledge"))
        let viewerToken = try #require(ConsoleBrowser.csrf(in: viewerAlerts.text))
        let refused = try await viewer.post("/alerts/\(alertID)/acknowledge", form: ["note": "mine", "csrf": viewerToken])
        #expect(refused.status == 403 && refused.text.contains("only operators"))
        #expect(try harness.value("SELECT coalesce(acknowledged_by, '-') FROM alerts WHERE id = \(alertID)") == "-")

        // The operator acknowledges with a note: who, when and the note are kept.
        let acknowledged = try await operatorBrowser.post("/alerts/\(alertID)/acknowledge", form: ["note": "gateway rebooted", "csrf": csrf])
        #expect(acknowledged.status == 303)
        #expect(try harness.value("SELECT acknowledged_by || '|' || note FROM alerts WHERE id = \(alertID)") == "olga|gateway rebooted")
        #expect(try harness.value("SELECT user_name || '|' || note FROM alert_acknowledgements WHERE alert_id = \(alertID)") == "olga|gateway rebooted")
        let csv = try await viewer.get("/api/alerts.csv")
        #expect(csv.status == 200 && csv.headers["content-type"]?.hasPrefix("text/csv") == true)
        #expect(csv.text.contains("\(alertID),gateway_offline,S-1,,,") && csv.text.contains(",olga,") && csv.text.contains("gateway rebooted"))

        // The users page is for admins: 403 for an operator and a viewer, on the page, its JSON and its CSV.
        try await Self.addUser(hq, "ada", .admin, "admin-password-1")
        let admin = ConsoleBrowser(port: port)
        #expect(try await admin.signIn("ada", "admin-password-1").status == 303)
        for path in ["/users", "/api/users", "/api/users.csv"] {
            #expect(try await operatorBrowser.get(path).status == 403, "\(path)")
            #expect(try await viewer.get(path).status == 403, "\(path)")
            #expect(try await admin.get(path).status == 200, "\(path)")
        }
        let users = try #require(try await admin.get("/api/users").json["users"] as? [[String: Any]])
        #expect(users.map { "\($0["name"] ?? "")/\($0["role"] ?? "")/\($0["open_sessions"] ?? "")" } == ["ada/admin/1", "olga/operator/1", "victor/viewer/1"])
        let adminHome = try await admin.get("/").text, viewerHome = try await viewer.get("/").text
        #expect(adminHome.contains(#"href="/users""#) && !viewerHome.contains(#"href="/users""#))

        // Five failed logins for a name, then even the right password is refused with 429 for a while.
        let guesser = ConsoleBrowser(port: port)
        for attempt in 1...5 { #expect(try await guesser.signIn("victor", "guess-\(attempt)-xx").status == 401) }
        let limited = try await guesser.signIn("victor", "viewer-password-1")
        #expect(limited.status == 429 && limited.text.contains("too many failed logins for victor"))
        // The limit is per name: olga, from the same address, still signs in.
        #expect(try await ConsoleBrowser(port: port).signIn("olga", "operator-password-1").status == 303)

        // Signing out ends the session on the server.
        let signOutToken = try #require(ConsoleBrowser.csrf(in: try await operatorBrowser.get("/").text))
        #expect(try await operatorBrowser.post("/logout", form: ["csrf": signOutToken]).status == 303)
        #expect(try await HTTPTestClient.request(port: port, "GET", "/api/overview", headers: ["Cookie": "sg_session=\(token)"]).status == 401)

        // Every page renders inside the layout, with the user and the sign-out form, also with no data.
        for path in ["/", "/alerts", "/stores", "/skus", "/batches", "/campaigns"] {
            let page = try await viewer.get(path)
            #expect(page.status == 200 && page.text.contains(#"id="sign-out""#), "\(path): \(page.text)")
        }

        // Bad requests get specific answers.
        #expect(try await viewer.get("/api/alerts?state=maybe").status == 400)
        #expect(try await viewer.get("/stores/NO-SUCH-STORE").status == 404)
        try await hq.stop()
    }

    /// Behind a reverse proxy every login comes from the proxy's address. With the proxy in `console.trusted_proxies`
    /// the rate limit counts the client the proxy forwarded, so one client's guesses do not lock out the others;
    /// without it, a forged `X-Forwarded-For` changes nothing.
    @Test func behindATrustedProxyTheLoginLimitCountsEachForwardedClient() async throws {
        for trusted in [true, false] {
            let harness = try HQHarness()
            var configuration = harness.configuration()
            if trusted { configuration.console.trustedProxies = ["127.0.0.1"] }
            let hq = try await harness.start(configuration, console: true)
            let port = try #require(hq.console?.listeningPort)
            try await Self.addUser(hq, "victor", .viewer, "viewer-password-1")
            func signIn(_ password: String, from client: String) async throws -> Int {
                let browser = ConsoleBrowser(port: port)
                let page = try await browser.get("/login")
                return try await browser.post("/login", form: ["user": "victor", "password": password, "csrf": ConsoleBrowser.csrf(in: page.text) ?? ""],
                                              headers: ["X-Forwarded-For": "198.51.100.1, \(client)"]).status
            }
            for attempt in 1...5 { #expect(try await signIn("guess-\(attempt)-xx", from: "203.0.113.7") == 401) }
            #expect(try await signIn("viewer-password-1", from: "203.0.113.7") == 429)
            #expect(try await signIn("viewer-password-1", from: "203.0.113.8") == (trusted ? 303 : 429), "trusted proxy: \(trusted)")
            #expect(try harness.value("SELECT string_agg(DISTINCT address, ',') FROM login_failures") == (trusted ? "203.0.113.7" : "127.0.0.1"))
            try await hq.stop()
        }
    }

    @Test func theOverviewEqualsARecountOfTheRawEventsInEachStoresTimeZone() async throws {
        let harness = try HQHarness()
        let hq = try await harness.start(harness.configuration(), console: true)
        let port = try #require(hq.console?.listeningPort)
        try await Self.addUser(hq, "vera", .viewer, "viewer-password-2")
        _ = try harness.value("""
            INSERT INTO stores (store_id, name, region, time_zone) VALUES
                ('S-sh', 'Shanghai', 'CN-31', 'Asia/Shanghai'), ('S-la', 'Los Angeles', 'US-CA', 'America/Los_Angeles')
            """)
        // Today, the same weekday last week (before and after the same hour), and eight days ago, in both stores.
        let now = Timestamp.now.milliseconds
        let day: Int64 = 86_400_000
        var messages: [(store: String, gateway: String, payload: [UInt8])] = []
        for store in ["S-sh", "S-la"] {
            var gateway = SimulatedGateway(storeID: store, gatewayID: "G1")
            var serial = 0
            func add(_ op: String, _ count: Int, at time: Int64, result: String = "accepted", campaign: String? = nil) {
                for _ in 0..<count {
                    serial += 1
                    let event = gateway.next(op: op, code: SimulatedGateway.unitCode(serial: "\(store)-\(serial)"), result: result,
                                             campaign: campaign, timeMs: time)
                    messages.append((store, "G1", event.payload))
                }
            }
            add("redeem", 3, at: now - 2_000)
            add("redeem", 2, at: now - 2_500, campaign: "spring")
            add("sell", 4, at: now - 1_500)
            add("redeem", 1, at: now - 1_000, result: "already_redeemed")
            add("redeem", 2, at: now - 7 * day - 1_000)
            add("sell", 5, at: now - 7 * day - 60_000)
            add("redeem", 7, at: now - 7 * day + 2 * 3_600_000)
            add("sell", 9, at: now - 8 * day)
        }
        let console = try #require(hq.console)
        let heardBefore = console.eventNotifications
        let publisher = try await GatewayPublisher(broker: harness.broker)
        try await publisher.publish(messages)
        await publisher.stop()
        for store in ["S-sh", "S-la"] { try await harness.waitForWatermark(store: store, gateway: "G1", 33) }
        // Each ingest batch that stored events notified the console (its live pages refresh on it).
        try await waitUntil("the console heard the batches", seconds: 10) { console.eventNotifications > heardBefore }

        let browser = ConsoleBrowser(port: port)
        #expect(try await browser.signIn("vera", "viewer-password-2").status == 303)
        let started = ContinuousClock.now
        let reply = try await browser.get("/api/overview")
        let elapsed = ContinuousClock.now - started
        let overview = reply.json
        let asOf = try #require(overview["as_of_ms"] as? Int)
        let recount = try ConsoleRecount.overview(harness, nowMs: Int64(asOf))
        let today = try #require(overview["today"] as? [String: Any]), lastWeek = try #require(overview["last_week"] as? [String: Any])
        #expect(ConsoleRecount.figures(today) == recount.today)
        #expect(ConsoleRecount.figures(lastWeek) == recount.lastWeek)
        // Not a comparison of zeros: both stores' events of today and of last week's window are in it.
        #expect(recount.today.redemptions >= 6 && recount.today.activeStores == 2)
        #expect(recount.lastWeek.redemptions >= 4 && recount.lastWeek.unitsSold >= 10)
        print("console: /api/overview answered in \(elapsed)")

        // The page shows the same figures, and the CSV holds them.
        let page = try await browser.get("/")
        #expect(page.status == 200 && page.text.contains(#"id="today-redemptions">\#(recount.today.redemptions)<"#))
        let csv = try await browser.get("/api/overview.csv")
        #expect(csv.text.contains("redemptions,\(recount.today.redemptions),\(recount.lastWeek.redemptions),"))
        // In Chinese for a browser that prefers it.
        let chinese = try await browser.get("/", headers: ["Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"])
        #expect(chinese.text.contains("核销数") && chinese.text.contains(#"lang="zh-Hans""#))

        // Sell-out per SKU today: the GTIN's total and one row per region, from the same rollups.
        let skus = try #require(try await browser.get("/api/skus").json["rows"] as? [[String: Any]])
        #expect(skus.map { $0["region"] as? String } == ["", "CN-31", "US-CA"])
        #expect(skus.first?["sold"] as? Int == recount.today.unitsSold && skus.first?["is_total"] as? Bool == true)
        #expect(skus.dropFirst().map { $0["sold"] as? Int ?? 0 }.reduce(0, +) == recount.today.unitsSold)
        #expect(try await browser.get("/api/skus.csv").text.contains("09506000134352,*,*,2,\(recount.today.unitsSold),0,"))

        // The campaign's redemptions today and over 7 days, and its drill-down from all stores to each store.
        let campaigns = try #require(try await browser.get("/api/campaigns").json["campaigns"] as? [[String: Any]])
        #expect(campaigns.count == 1 && campaigns.first?["campaign"] as? String == "spring")
        #expect(campaigns.first?["redemptions_today"] as? Int == 4 && campaigns.first?["week_redemptions"] as? Int == 4)
        #expect(campaigns.first?["week_stores"] as? Int == 2 && campaigns.first?["redemption_rate"] as? String == "—")
        let areas = try #require(try await browser.get("/api/campaigns/spring").json["areas"] as? [[String: Any]])
        #expect(areas.first?["level"] as? String == "all" && areas.first?["redemptions"] as? Int == 4)
        #expect(areas.filter { $0["level"] as? String == "store" }.map { $0["store_id"] as? String } == ["S-la", "S-sh"])
        #expect(try await browser.get("/campaigns/autumn").status == 404)
        #expect(try await browser.get("/campaigns").text.contains(#"href="/campaigns/spring""#))

        // The stores page and a store's page, with times in the store's zone.
        let stores = try await browser.get("/api/stores")
        let rows = try #require(stores.json["stores"] as? [[String: Any]])
        #expect(rows.map { $0["store_id"] as? String } == ["S-la", "S-sh"])
        let storePage = try await browser.get("/stores/S-la")
        #expect(storePage.status == 200 && storePage.text.contains("America/Los_Angeles"))
        let hours = try await browser.get("/api/stores/S-sh/hours.csv")
        #expect(hours.status == 200 && hours.text.contains("+08:00"))

        // The live stream carries the same figures, and ends when the instance shuts down (it does not hold it up).
        let cookie = "sg_session=\(browser.cookies["sg_session"] ?? "")"
        let stream = Task { try await HTTPTestClient.request(port: port, "GET", "/api/overview/stream", headers: ["Cookie": cookie]) }
        try await Task.sleep(for: .milliseconds(1_500))
        let stopping = ContinuousClock.now
        try await hq.stop()
        let events = try await stream.value
        print("console: the instance stopped \(ContinuousClock.now - stopping) after shutdown began, with a live stream open")
        #expect(ContinuousClock.now - stopping < .seconds(5))
        #expect(events.status == 200 && events.headers["content-type"] == "text/event-stream")
        #expect(events.text.contains("event: overview\ndata: {"))
        #expect(events.text.contains(#""key":"redemptions","label":"Redemptions","last_week":"\#(recount.lastWeek.redemptions)","today":"\#(recount.today.redemptions)""#))
    }
}

/// The overview's figures counted again from the raw `events` (payload JSON), not from the rollups the console
/// reads: the same windows (each store's local day; last week up to the same hour), another computation.
enum ConsoleRecount {
    struct Figures: Equatable {
        var redemptions = 0, unitsSold = 0, revenueMinor = 0, activeStores = 0
    }

    static func figures(_ json: [String: Any]) -> Figures {
        Figures(redemptions: json["redemptions"] as? Int ?? -1, unitsSold: json["units_sold"] as? Int ?? -1,
                revenueMinor: json["revenue_minor"] as? Int ?? -1, activeStores: json["active_stores"] as? Int ?? -1)
    }

    static func overview(_ harness: HQHarness, nowMs: Int64) throws -> (today: Figures, lastWeek: Figures) {
        func window(_ lastWeek: Bool) throws -> Figures {
            let start = lastWeek ? "(date_trunc('day', b.now_at AT TIME ZONE e.tz) - interval '7 days') AT TIME ZONE e.tz"
                                 : "date_trunc('day', b.now_at AT TIME ZONE e.tz) AT TIME ZONE e.tz"
            let end = lastWeek ? "date_trunc('hour', b.now_at - interval '7 days') + interval '1 hour'"
                               : "date_trunc('hour', b.now_at) + interval '1 hour'"
            let row = try harness.value("""
                WITH b AS (SELECT to_timestamp(\(nowMs) / 1000.0) AS now_at),
                e AS (
                    SELECT ev.*, coalesce(s.time_zone, 'Asia/Shanghai') AS tz, to_timestamp(ev.time_ms / 1000.0) AS t,
                           convert_from(ev.payload, 'UTF8')::jsonb AS body
                    FROM events ev LEFT JOIN stores s ON s.store_id = ev.store_id
                ),
                w AS (SELECT e.* FROM e, b WHERE e.t >= \(start) AND e.t < \(end))
                SELECT count(*) FILTER (WHERE op = 'redeem' AND result = 'accepted'),
                       count(*) FILTER (WHERE op = 'sell' AND result = 'accepted')
                         + coalesce((SELECT sum((l->>'quantity')::bigint) FROM w, jsonb_array_elements(w.body->'details'->'lines') l
                                     WHERE w.op = 'sale' AND w.result = 'accepted'), 0),
                       coalesce((SELECT sum(coalesce((l->>'amount')::bigint, 0)) FROM w, jsonb_array_elements(w.body->'details'->'lines') l
                                 WHERE w.op = 'sale' AND w.result = 'accepted'), 0)
                         - coalesce((SELECT sum(coalesce((l->>'refund')::bigint, 0)) FROM w, jsonb_array_elements(w.body->'details'->'lines') l
                                     WHERE w.op = 'return' AND w.result = 'accepted'), 0),
                       count(DISTINCT store_id)
                FROM w
                """).split(separator: "|").map { Int($0) ?? -1 }
            return Figures(redemptions: row[0], unitsSold: row[1], revenueMinor: row[2], activeStores: row[3])
        }
        return (try window(false), try window(true))
    }
}

/// The client address the login rate limit counts, as `ConsoleAccess` finds it behind proxies.
@Suite struct ConsoleClientAddressTests {
    @Test func theClientIsTheLastForwardedAddressThatIsNotATrustedProxy() {
        let proxies: Set<String> = ["10.0.0.1", "10.0.0.2", "::1"]
        func client(_ peer: String, _ forwardedFor: [String]) -> String {
            ConsoleAccess.clientAddress(peer: peer, forwardedFor: forwardedFor, trustedProxies: proxies)
        }
        #expect(client("10.0.0.2", ["1.1.1.1, 2.2.2.2, 10.0.0.1"]) == "2.2.2.2")
        #expect(client("10.0.0.2", ["1.1.1.1", "2.2.2.2,10.0.0.1"]) == "2.2.2.2")
        #expect(client("::1", ["0:0:0:0:0:0:0:1, 2001:db8::7"]) == "2001:db8::7")
        #expect(client("10.0.0.2", []) == "10.0.0.2")
        #expect(client("10.0.0.2", ["10.0.0.1, 10.0.0.2"]) == "10.0.0.2")
        #expect(client("10.0.0.2", [" , "]) == "10.0.0.2")
        #expect(client("192.0.2.9", ["1.1.1.1"]) == "192.0.2.9")
    }
}
