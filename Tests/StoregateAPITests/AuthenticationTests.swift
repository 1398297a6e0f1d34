import Foundation
import StoregateAPI
import StoregateCore
import StoregateFoundation
import StoregateGateway
import StoregateLedger
import StoregateTesting
import Testing

/// `api.auth = "tokens"` over real HTTP against a real ledger: every route needs a till's token with the route's
/// scope, and the token, not the body, says which lane and operator ask.
@Suite
struct AuthenticationTests {
    struct Route: Sendable {
        var method: String
        var path: String
        var body: String?
        var scope: APIScope
    }

    static let code = APIHarness.codes[0]
    /// Every route of the API with a body it accepts; `scope` is what docs/api.md says it needs.
    static let routes: [Route] = [
        Route(method: "POST", path: "/v1/verify", body: #"{"scan":"\#(code)"}"#, scope: .verify),
        Route(method: "POST", path: "/v1/receive", body: #"{"scan":"\#(code)"}"#, scope: .receive),
        Route(method: "POST", path: "/v1/sell", body: #"{"scan":"\#(code)"}"#, scope: .sell),
        Route(method: "POST", path: "/v1/redeem", body: #"{"scan":"\#(code)"}"#, scope: .redeem),
        Route(method: "POST", path: "/v1/void", body: #"{"scan":"\#(code)"}"#, scope: .void),
        Route(method: "POST", path: "/v1/sales", body: #"{"receipt":"R-1","currency":"EUR","lines":[{"code":"\#(code)","unit_price":100}]}"#,
              scope: .sell),
        Route(method: "POST", path: "/v1/returns", body: #"{"return_id":"X-1","receipt":"R-0","lines":[{"code":"\#(code)"}]}"#,
              scope: .return),
        Route(method: "GET", path: "/v1/status", scope: .read),
        Route(method: "GET", path: "/v1/codes/\(code)", scope: .read),
        Route(method: "GET", path: "/metrics", scope: .read),
        Route(method: "GET", path: "/v1/events", scope: .read),
    ]

    static func request(_ api: APIHarness, _ route: Route, token: String?) async throws -> HTTPReply {
        let headers = token.map { ["Authorization": "Bearer \($0)"] } ?? [:]
        if let body = route.body { return try await HTTPTestClient.post(port: api.port, route.path, json: body, headers: headers) }
        return try await HTTPTestClient.request(port: api.port, route.method, route.path, headers: headers)
    }

    @Test func everyRouteRefusesAMissingOrBadTokenAndATokenWithoutItsScope() async throws {
        try await APIHarness.with(auth: .tokens) { api in
            let revoked = try api.token(till: "1", scopes: Set(APIScope.allCases))
            try api.fixture.ledger.revokeAPIToken(id: Self.tokenID(revoked), at: .now)
            // Well-formed, but no token was issued with this secret (32 zero bytes).
            let forged = "sgt_0123456789abcdef_" + String(repeating: "A", count: 43)
            for route in Self.routes {
                for token in [nil, "", "not-a-token", "sgt_", forged, revoked] {
                    let reply = try await Self.request(api, route, token: token)
                    #expect(reply.status == 401, "\(route.method) \(route.path) with \(token ?? "no token"): \(reply.text)")
                    #expect(reply.errorCode == "unauthorized")
                    #expect(reply.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
                }
                let allButOne = try api.token(till: "1", scopes: Set(APIScope.allCases).subtracting([route.scope]))
                let refused = try await Self.request(api, route, token: allButOne)
                #expect(refused.status == 403, "\(route.method) \(route.path) without \(route.scope): \(refused.text)")
                #expect(refused.errorCode == "scope_missing")
                let message = (refused.json["error"] as? [String: Any])?["message"] as? String
                #expect(message?.contains("the \(route.scope.rawValue) scope") == true, "\(refused.text)")
            }
            #expect(try api.journalLength == 0, "nothing refused was recorded")
        }
    }

    @Test func everyRouteAnswersATokenWithJustItsScope() async throws {
        try await APIHarness.with(auth: .tokens) { api in
            for route in Self.routes {
                let token = try api.token(till: "1", scopes: [route.scope])
                if route.path == "/v1/events" {
                    let stream = try EventStreamClient(port: api.port, token: token)
                    defer { stream.close() }
                    try await waitUntil("the stream open", seconds: 10) { stream.subscribed || stream.ended }
                    #expect(stream.subscribed)
                    continue
                }
                let reply = try await Self.request(api, route, token: token)
                #expect(![401, 403, 404].contains(reply.status), "\(route.method) \(route.path): \(reply.status) \(reply.text)")
            }
        }
    }

    @Test func theTokenDecidesTheLaneAndOperatorAndABodyThatDisagreesIsRefused() async throws {
        try await APIHarness.with(auth: .tokens) { api in
            let mei = try api.token(till: "3", operatorName: "mei", scopes: [.sell, .redeem])
            let auth = ["Authorization": "Bearer \(mei)"]
            for body in [#"{"scan":"\#(Self.code)","lane":"4"}"#, #"{"scan":"\#(Self.code)","operator":"li"}"#] {
                let refused = try await api.post("sell", body, headers: auth)
                #expect(refused.status == 403, "\(refused.text)")
                #expect(refused.errorCode == "token_mismatch")
            }
            #expect(try api.journalLength == 0)

            let sold = try await api.post("sell", #"{"scan":"\#(Self.code)","lane":"3","operator":"mei"}"#, headers: auth)
            #expect(sold.status == 200, "\(sold.text)")
            let event = try #require(try api.fixture.ledger.journal(fromSeq: 1, limit: 1).first)
            #expect(event.lane == "3")
            #expect(event.operator == "mei")

            // No lane in the body: the till's; no operator on the token: the till's own.
            let till5 = try api.token(till: "5", scopes: [.redeem])
            let redeemed = try await api.post("redeem", #"{"scan":"\#(APIHarness.codes[1])"}"#, headers: ["Authorization": "Bearer \(till5)"])
            #expect(redeemed.status == 200, "\(redeemed.text)")
            let second = try #require(try api.fixture.ledger.journal(fromSeq: 2, limit: 1).first)
            #expect(second.lane == "5")
            #expect(second.operator == "till-5")
        }
    }

    @Test func aTokenRevokedThroughAnotherConnectionStopsAtTheNextRequest() async throws {
        try await APIHarness.with(auth: .tokens) { api in
            let token = try api.token(till: "2", scopes: [.read])
            let auth = ["Authorization": "Bearer \(token)"]
            #expect(try await api.get("/v1/status", headers: auth).status == 200)
            #expect(try await api.get("/v1/status", headers: auth).status == 200, "from the cache")
            // `storegate api token revoke` in another process: another connection to the same file.
            let other = try Ledger(path: api.fixture.path)
            try other.revokeAPIToken(id: Self.tokenID(token), at: .now)
            let refused = try await api.get("/v1/status", headers: auth)
            #expect(refused.status == 401, "\(refused.text)")
        }
    }

    @Test func aForeignHostOrOriginIsRefused() async throws {
        try await APIHarness.with { api in
            let host = try await api.get("/v1/status", headers: ["Host": "rebound.example:\(api.port)"])
            #expect(host.status == 403)
            #expect(host.errorCode == "host_refused")
            let origin = try await api.post("redeem", #"{"scan":"\#(Self.code)","lane":"1"}"#, headers: ["Origin": "http://shop.example"])
            #expect(origin.status == 403)
            #expect(origin.errorCode == "origin_refused")
            #expect(try api.journalLength == 0)

            #expect(try await api.get("/v1/status", headers: ["Host": "localhost:\(api.port)"]).status == 200)
            #expect(try await api.get("/v1/status", headers: ["Origin": "http://127.0.0.1:\(api.port)"]).status == 200)
        }
    }

    @Test func eventStreamsBeyondTheCapAreRefusedUntilOneEnds() async throws {
        try await APIHarness.with(keepAlive: .milliseconds(50), maxEventStreams: 2) { api in
            let first = try EventStreamClient(port: api.port)
            let second = try EventStreamClient(port: api.port)
            defer { second.close() }
            try await waitUntil("two streams open", seconds: 10) { first.subscribed && second.subscribed }
            let refused = try await api.get("/v1/events")
            #expect(refused.status == 503, "\(refused.text)")
            #expect(refused.errorCode == "too_many_event_streams")

            first.close()
            // The server finds the closed connection at its next keep-alive write and gives the slot back.
            try await waitUntil("the first stream ended", seconds: 10) { api.desk.decisions.subscriberCount == 1 }
            let third = try EventStreamClient(port: api.port)
            defer { third.close() }
            try await waitUntil("a third stream open", seconds: 10) { third.subscribed || third.ended }
            #expect(third.subscribed)
        }
    }

    static func tokenID(_ token: String) -> String {
        String(token.dropFirst("sgt_".count).prefix { $0 != "_" })
    }
}
