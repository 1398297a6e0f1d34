import Foundation
import Logging
import StoregateCore
import StoregateFoundation
import StoregateHQ
@testable import StoregateHQConsole
import StoregateTesting
import Testing

/// What operators and admins do in the console, over real HTTP against a real storegate-hq: issuing codes (the same
/// path as `storegate-hq codes issue`), managing users; who may not (403), forms without their CSRF token (403), and
/// the login rate limit per user and address.
@Suite(.serialized) struct ConsoleAdminTests {
    @Test func operatorsIssueCodesAdminsManageUsersAndTheOthersAreRefused() async throws {
        let harness = try HQHarness()
        let hq = try await harness.start(harness.configuration(), console: true)
        let port = try #require(hq.console?.listeningPort)
        try await ConsoleTests.addUser(hq, "ada", .admin, "admin-password-5")
        try await ConsoleTests.addUser(hq, "olga", .operator, "operator-password-5")
        try await ConsoleTests.addUser(hq, "victor", .viewer, "viewer-password-5")
        _ = try harness.value("INSERT INTO stores (store_id, name, region) VALUES ('S-1', 'One', 'R1'), ('S-2', 'Two', 'R1')")
        let admin = ConsoleBrowser(port: port), operatorBrowser = ConsoleBrowser(port: port), viewer = ConsoleBrowser(port: port)
        #expect(try await admin.signIn("ada", "admin-password-5").status == 303)
        #expect(try await operatorBrowser.signIn("olga", "operator-password-5").status == 303)
        #expect(try await viewer.signIn("victor", "viewer-password-5").status == 303)
        // The session cookie is Secure by default (no origin declared as plain http).
        #expect(operatorBrowser.lastCookieHeaders.contains { $0.hasPrefix("sg_session=") && $0.contains("Secure") })

        let form = ["gtin": "09506000134352", "count": "7", "region": "R1", "product": "cap", "campaign": "summer", "reward": "2.50",
                    "campaign_starts": "2026-12-01", "campaign_ends": "2027-01-01", "sold_here_first": "on"]
        // A viewer sees no form, and a POST with the viewer's own token is refused, in the reader's language.
        let viewerBatches = try await viewer.get("/batches")
        #expect(viewerBatches.status == 200 && !viewerBatches.text.contains(#"id="issue-codes""#))
        let viewerToken = try #require(ConsoleBrowser.csrf(in: viewerBatches.text))
        let refused = try await viewer.post("/batches", form: form.merging(["csrf": viewerToken]) { $1 })
        #expect(refused.status == 403 && refused.text.contains("only operators and admins issue codes"))
        let refusedInChinese = try await viewer.post("/batches", form: form.merging(["csrf": viewerToken]) { $1 }, headers: ["Accept-Language": "zh-CN"])
        #expect(refusedInChinese.status == 403 && refusedInChinese.text.contains("只有操作员和管理员可以发码"))
        // An operator's form without its token, or with a bad field, issues nothing.
        let batches = try await operatorBrowser.get("/batches")
        #expect(batches.text.contains(#"id="issue-codes""#))
        let token = try #require(ConsoleBrowser.csrf(in: batches.text))
        #expect(try await operatorBrowser.post("/batches", form: form).status == 403)
        let badGTIN = try await operatorBrowser.post("/batches", form: form.merging(["csrf": token, "gtin": "09506000134353"]) { $1 })
        #expect(badGTIN.status == 400 && badGTIN.text.contains("09506000134353 is not a GTIN-14"))
        let badCount = try await operatorBrowser.post("/batches", form: form.merging(["csrf": token, "count": "100001"]) { $1 },
                                                      headers: ["Accept-Language": "zh-CN"])
        #expect(badCount.status == 400 && badCount.text.contains("控制台每次可发 1 至 100000 个码"))
        let backwards = try await operatorBrowser.post("/batches", form: form.merging(["csrf": token, "campaign_ends": "2026-11-01"]) { $1 })
        #expect(backwards.status == 400 && backwards.text.contains("must end after it starts"))
        #expect(try harness.int("SELECT count(*) FROM code_batches") == 0)

        // The operator issues: the batch, its codes, a policy and a codes message per store, the campaign's window.
        let issued = try await operatorBrowser.post("/batches", form: form.merging(["csrf": token]) { $1 })
        #expect(issued.status == 303)
        let location = try #require(issued.headers["location"])
        let batchID = try harness.value("SELECT batch_id FROM code_batches")
        #expect(location == "/batches/\(batchID)")
        #expect(try harness.value("SELECT gtin || '|' || campaign || '|' || region || '|' || count || '|' || reward_minor FROM code_batches")
                == "09506000134352|summer|R1|7|250")
        #expect(try harness.int("SELECT count(*) FROM batch_codes WHERE batch_id = '\(batchID)'") == 7)
        #expect(try harness.value("SELECT string_agg(store_id || ':' || split_part(stream, ':', 1) || ':' || codes, ',' ORDER BY store_id, stream) FROM batch_distribution")
                == "S-1:codes:7,S-1:policy:0,S-2:codes:7,S-2:policy:0")
        // Midnight China Standard Time of the form's dates.
        let window = try harness.value("SELECT starts_ms || '|' || ends_ms || '|' || sold_here_first FROM campaigns WHERE name = 'summer'")
        #expect(window == "1796054400000|1798732800000|true", "\(window)")
        // A start moved past the known campaign's end: refused in the reader's language, nothing issued.
        let pastEnd = try await operatorBrowser.post("/batches", form: form.merging(["csrf": token, "campaign_starts": "2027-02-01",
                                                                                     "campaign_ends": ""]) { $1 },
                                                     headers: ["Accept-Language": "zh-CN"])
        #expect(pastEnd.status == 400 && pastEnd.text.contains("活动 summer 的结束早于开始，请同时填写开始和结束日期"), "\(pastEnd.status) \(pastEnd.text)")
        #expect(try harness.int("SELECT count(*) FROM code_batches") == 1)
        #expect(try harness.int("SELECT count(*) FROM downlink_outbox WHERE stream = 'policy:S-1'") == 1)
        let batchPage = try await operatorBrowser.get(location)
        #expect(batchPage.status == 200 && batchPage.text.contains("2.50") && batchPage.text.contains(#"id="codes-csv""#))
        // The campaign's page before anything was redeemed: zeros, not an error; so is a GTIN's with no sales today.
        let fresh = try await operatorBrowser.get("/api/campaigns/summer")
        #expect(fresh.status == 200 && (fresh.json["areas"] as? [[String: Any]])?.first?["redemptions"] as? Int == 0, "\(fresh.text)")
        let freshUplift = try await operatorBrowser.get("/api/campaigns/summer/uplift")
        #expect(freshUplift.status == 200 && (freshUplift.json["uplift"] as? [String: Any])?["uplift"] as? String == "—", "\(freshUplift.text)")
        let unsold = try await operatorBrowser.get("/api/skus/09506000134352")
        #expect(unsold.status == 200 && (unsold.json["areas"] as? [[String: Any]])?.first?["sold"] as? Int == 0, "\(unsold.text)")
        #expect(try await operatorBrowser.get("/campaigns/summer").status == 200)
        // The codes for printing: operators only.
        let codes = try await operatorBrowser.get("/api/batches/\(batchID)/codes.csv")
        #expect(codes.status == 200 && codes.text.components(separatedBy: "\r\n").filter { $0.hasPrefix("01/09506000134352/21/") }.count == 7)
        #expect(try await viewer.get("/api/batches/\(batchID)/codes.csv").status == 403)
        #expect(!(try await viewer.get(location).text.contains(#"id="codes-csv""#)))

        // Users: admins only; every form needs its token.
        let users = try await admin.get("/users")
        let adminToken = try #require(ConsoleBrowser.csrf(in: users.text))
        #expect(users.text.contains(#"id="add-user""#) && users.text.contains("/users/victor/disable") && !users.text.contains("/users/ada/disable"))
        let nina = ["name": "nina", "role": "viewer", "password": "nina-password-5"]
        #expect(try await admin.post("/users", form: nina).status == 403)
        let operatorToken = try #require(ConsoleBrowser.csrf(in: try await operatorBrowser.get("/").text))
        #expect(try await operatorBrowser.post("/users", form: nina.merging(["csrf": operatorToken]) { $1 }).status == 403)
        #expect(try await operatorBrowser.post("/users/victor/disable", form: ["csrf": operatorToken]).status == 403)
        #expect(try await operatorBrowser.post("/users/victor/role", form: ["csrf": operatorToken, "role": "admin"]).status == 403)
        #expect(try await admin.post("/users", form: nina.merging(["csrf": adminToken]) { $1 }).status == 303)
        #expect(try await admin.post("/users", form: nina.merging(["csrf": adminToken]) { $1 }).status == 409)
        #expect(try await admin.post("/users", form: nina.merging(["csrf": adminToken, "name": "zoe", "password": "short"]) { $1 }).status == 400)
        #expect(try harness.value("SELECT role FROM users WHERE name = 'nina'") == "viewer")
        #expect(try await ConsoleBrowser(port: port).signIn("nina", "nina-password-5").status == 303)

        // A role change applies at the user's next request.
        #expect(try await admin.post("/users/victor/role", form: ["csrf": adminToken, "role": "operator"]).status == 303)
        #expect(try await viewer.get("/batches").text.contains(#"id="issue-codes""#))
        #expect(try await admin.post("/users/victor/role", form: ["csrf": adminToken, "role": "boss"]).status == 400)
        #expect(try await admin.post("/users/nobody/role", form: ["csrf": adminToken, "role": "viewer"]).status == 404)
        // An admin cannot lock themself out.
        #expect(try await admin.post("/users/ada/disable", form: ["csrf": adminToken]).status == 409)
        #expect(try await admin.post("/users/ada/role", form: ["csrf": adminToken, "role": "viewer"]).status == 409)
        // Disabling ends the user's sessions at once and refuses their logins, with the answer a wrong password gets.
        #expect(try await admin.post("/users/victor/disable", form: ["csrf": adminToken]).status == 303)
        #expect(try await viewer.get("/api/overview").status == 401)
        let disabled = try await ConsoleBrowser(port: port).signIn("victor", "viewer-password-5")
        #expect(disabled.status == 401 && disabled.text.contains("wrong user name or password"))
        #expect(try harness.int("SELECT count(*) FROM sessions WHERE user_name = 'victor'") == 0)
        let list = try #require(try await admin.get("/api/users").json["users"] as? [[String: Any]])
        #expect(list.first { $0["name"] as? String == "victor" }?["disabled"] as? Bool == true)
        // `storegate-hq users list` says so too.
        let listed = harness.directory.file("users-list.out")
        let process = try ChildProcess(executable: try StoregateBinary.path(named: "storegate-hq"),
                                       arguments: ["users", "list", "--config", try harness.configurationFile()],
                                       stdoutFile: listed, stderrFile: harness.directory.file("users-list.err"))
        #expect(process.wait(seconds: 60) == 0)
        let lines = try String(contentsOfFile: listed, encoding: .utf8).split(separator: "\n")
        #expect(lines.first { $0.hasPrefix("victor\t") }?.contains("\tdisabled 20") == true, "\(lines)")
        #expect(lines.first { $0.hasPrefix("ada\t") }?.contains("disabled") == false, "\(lines)")
        #expect(try await admin.post("/users/victor/enable", form: ["csrf": adminToken]).status == 303)
        #expect(try await ConsoleBrowser(port: port).signIn("victor", "viewer-password-5").status == 303)
        // A failed login in Chinese.
        let wrongInChinese = try await Self.signIn(port: port, "victor", "nope-nope-nope", language: "zh-CN")
        #expect(wrongInChinese.status == 401 && wrongInChinese.text.contains("用户名或密码错误"))
        try await hq.stop()
    }

    /// Signs in with an Accept-Language header on both requests.
    static func signIn(port: Int, _ user: String, _ password: String, language: String) async throws -> HTTPReply {
        let browser = ConsoleBrowser(port: port)
        let page = try await browser.get("/login", headers: ["Accept-Language": language])
        return try await browser.post("/login", form: ["user": user, "password": password, "csrf": ConsoleBrowser.csrf(in: page.text) ?? ""],
                                      headers: ["Accept-Language": language])
    }

    @Test func failedLoginsLockANameOutOnlyFromTheAddressTheyCameFrom() async throws {
        let harness = try HQHarness()
        let hq = try await harness.start(harness.configuration())
        #expect(try await hq.application.database.waitForSchema())
        let throttle = LoginThrottle(database: hq.application.database, limits: .init(), logger: Logger(label: "throttle-test"))
        let now = Timestamp.now.milliseconds
        // Five failures for victor from one address: victor is refused there, not from another address.
        for index in 0..<5 { try await throttle.recordFailure(user: "victor", address: "203.0.113.7", now: now - Int64(index)) }
        let there = try await throttle.refusal(user: "victor", address: "203.0.113.7", now: now)
        #expect(there?.message.contains("too many failed logins for victor") == true)
        #expect(try await throttle.refusal(user: "victor", address: "198.51.100.2", now: now) == nil)
        #expect(try await throttle.refusal(user: "olga", address: "203.0.113.7", now: now) == nil)
        // Twenty failures from one address under any names: that address is refused for every name.
        for index in 0..<20 { try await throttle.recordFailure(user: "name-\(index)", address: "203.0.113.9", now: now) }
        #expect(try await throttle.refusal(user: "olga", address: "203.0.113.9", now: now)?.message.contains("from this address") == true)
        // Outside the window nothing counts; a success clears the name's failures from that address only.
        #expect(try await throttle.refusal(user: "victor", address: "203.0.113.7", now: now + 15 * 60_000 + 10) == nil)
        try await throttle.recordFailure(user: "victor", address: "198.51.100.2", now: now)
        try await throttle.recordSuccess(user: "victor", address: "203.0.113.7")
        #expect(try await throttle.refusal(user: "victor", address: "203.0.113.7", now: now) == nil)
        #expect(try harness.int("SELECT count(*) FROM login_failures WHERE user_name = 'victor'") == 1)
        try await hq.stop()
    }
}
