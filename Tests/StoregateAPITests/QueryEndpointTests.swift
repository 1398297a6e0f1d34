import Foundation
import StoregateLedger
import StoregateTesting
import Testing

/// `GET /v1/status`, `/v1/codes/{id}`, `/metrics` and what the router refuses.
@Suite
struct QueryEndpointTests {
    @Test func aCodesHistoryIsShownAndAnUnknownCodeIsNotFound() async throws {
        try await APIHarness.with { api in
            _ = try await api.post("sell", #"{"scan":"\#(APIHarness.codes[0])","lane":"1"}"#)
            _ = try await api.post("redeem", #"{"scan":"\#(APIHarness.codes[0])","lane":"1"}"#)

            let shown = try await api.get("/v1/codes/\(APIHarness.codes[0])")
            #expect(shown.status == 200, "\(shown.text)")
            #expect(shown.json["state"] as? String == "redeemed")
            #expect(shown.json["registered"] as? Bool == true)
            let events = shown.json["events"] as? [[String: Any]] ?? []
            #expect(events.map { $0["op"] as? String } == ["sell", "redeem"])
            #expect(events.map { $0["seq"] as? Int } == [1, 2])

            let encoded = try await api.get("/v1/codes/" + APIHarness.codes[0].replacingOccurrences(of: "/", with: "%2F"))
            #expect(encoded.status == 200)
            #expect(encoded.json["id"] as? String == APIHarness.codes[0])

            let unknown = try await api.get("/v1/codes/01/09506000134352/21/NEVER")
            #expect(unknown.status == 404)
            #expect(unknown.errorCode == "unknown_code")
            let garbage = try await api.get("/v1/codes/not-a-code")
            #expect(garbage.status == 400)
            #expect(garbage.errorCode == "invalid_code")
        }
    }

    @Test func theStatusIsWhatStatusJSONShows() async throws {
        try await APIHarness.with { api in
            _ = try await api.post("redeem", #"{"scan":"\#(APIHarness.codes[0])","lane":"1"}"#)
            let status = try await api.get("/v1/status")
            #expect(status.status == 200)
            #expect(status.json["gateway_id"] as? String == (try api.fixture.ledger.gatewayID()))
            #expect(status.json["journal_length"] as? Int == 1)
            #expect(status.json["backlog"] as? Int == (try api.fixture.ledger.outboxSummary().undelivered))
        }
    }

    @Test func metricsMoveByExactlyTheRequestsMade() async throws {
        try await APIHarness.with { api in
            let before = try await Metrics(api.get("/metrics"))
            _ = try await api.post("redeem", #"{"scan":"\#(APIHarness.codes[0])","lane":"1"}"#)
            _ = try await api.post("redeem", #"{"scan":"\#(APIHarness.codes[0])","lane":"1"}"#)
            _ = try await api.post("redeem", #"{"lane":"1"}"#)
            _ = try await api.get("/v1/nowhere")
            let scrape = try await api.get("/metrics")
            #expect(scrape.headers["content-type"]?.hasPrefix("text/plain") == true)
            let after = try Metrics(scrape)

            #expect(after["storegate_scans_total"] - before["storegate_scans_total"] == 2)
            #expect(after["storegate_accepted_total"] - before["storegate_accepted_total"] == 1)
            #expect(after["storegate_rejected_total"] - before["storegate_rejected_total"] == 1)
            #expect(after[#"storegate_decisions_total{result="already_redeemed"}"#] == 1)
            #expect(after[#"storegate_decisions_total{result="accepted"}"#] == 1)
            // The first scrape is counted once it is answered, so it shows in the second.
            #expect(after[#"storegate_api_requests_total{class="2xx"}"#] - before[#"storegate_api_requests_total{class="2xx"}"#] == 3)
            #expect(after[#"storegate_api_requests_total{class="4xx"}"#] - before[#"storegate_api_requests_total{class="4xx"}"#] == 2)
            #expect(after["storegate_outbox_backlog"] == Double(try api.fixture.ledger.outboxSummary().undelivered))
            #expect(after["storegate_link_connected"] == 0)
            #expect(after[#"storegate_scanners{state="running"}"#] == 0)
        }
    }

    @Test func anUnknownPathIsAnErrorObject() async throws {
        try await APIHarness.with { api in
            for path in ["/v2/anything", "/v1/redeem"] {
                let reply = try await api.get(path)
                #expect(reply.status == 404)
                #expect(reply.errorCode == "not_found")
            }
        }
    }
}

/// A scrape's samples by series (`name` or `name{labels}`).
struct Metrics {
    var samples: [String: Double] = [:]

    init(_ reply: HTTPReply) throws {
        #expect(reply.status == 200)
        for line in reply.text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            self.samples[String(line[..<space])] = value
        }
    }

    /// A series missing from the scrape reads as -1, so an expectation on it fails.
    subscript(_ series: String) -> Double { self.samples[series] ?? -1 }
}
