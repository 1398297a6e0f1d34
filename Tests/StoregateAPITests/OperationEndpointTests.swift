import Foundation
import StoregateCore
import StoregateLedger
import StoregateTesting
import Testing

/// `POST /v1/{operation}` over real HTTP against a real ledger.
@Suite
struct OperationEndpointTests {
    @Test func aRedemptionIsAcceptedOnceThenAlreadyRedeemed() async throws {
        try await APIHarness.with { api in
            let body = #"{"scan":"\#(APIHarness.codes[0])","lane":"7","operator":"anna"}"#

            let first = try await api.post("redeem", body)
            #expect(first.status == 200)
            #expect(first.headers["content-type"] == "application/json")
            #expect(first.json["result"] as? String == "accepted")
            #expect(first.json["id"] as? String == APIHarness.codes[0])
            #expect(first.json["seq"] as? Int == 1)

            let second = try await api.post("redeem", body)
            #expect(second.status == 200)
            #expect(second.json["result"] as? String == "already_redeemed")
            #expect(second.json["earlier_lane"] as? String == "7")
            #expect(try api.journalLength == 2)
        }
    }

    @Test func gsSpelledInTheScanIsTheSeparatorAsOnTheCommandLine() async throws {
        try await APIHarness.with { api in
            // The element string of code API2 with a lot after the serial: AI 21 is variable length and ends at GS.
            for spelling in ["{GS}", "<GS>", "\\\\x1d", "\\u001d"] {
                let reply = try await api.post("verify", #"{"scan":"]d2010950600013435221API2\#(spelling)10LOT1","lane":"1"}"#)
                #expect(reply.status == 200)
                #expect(reply.json["id"] as? String == APIHarness.codes[1], "\(spelling): \(reply.text)")
            }
        }
    }

    @Test func aRepeatedIdempotencyKeyReturnsTheFirstAnswerAndWritesNothing() async throws {
        try await APIHarness.with { api in
            let body = #"{"scan":"\#(APIHarness.codes[0])","lane":"2","idempotency_key":"till2-0001"}"#
            let first = try await api.post("sell", body)
            #expect(first.json["result"] as? String == "accepted")
            let length = try api.journalLength

            let again = try await api.post("sell", #"{"scan":"\#(APIHarness.codes[0])","lane":"2"}"#, headers: ["Idempotency-Key": "till2-0001"])
            #expect(again.status == 200)
            #expect(again.json["result"] as? String == "accepted")
            #expect(again.json["replayed"] as? Bool == true)
            #expect(again.json["seq"] as? Int == first.json["seq"] as? Int)
            #expect(try api.journalLength == length)
        }
    }

    @Test func anIdempotencyKeyReusedForAnotherRequestIsAConflict() async throws {
        try await APIHarness.with { api in
            _ = try await api.post("sell", #"{"scan":"\#(APIHarness.codes[0])","lane":"2","idempotency_key":"k1"}"#)
            let length = try api.journalLength
            let reused = try await api.post("sell", #"{"scan":"\#(APIHarness.codes[1])","lane":"2","idempotency_key":"k1"}"#)
            #expect(reused.status == 409)
            #expect(reused.errorCode == "idempotency_key_reused")
            #expect(try api.journalLength == length)
        }
    }

    @Test(arguments: [
        (#"{"scan": "#, 400, "malformed_json"),
        (#"["scan"]"#, 400, "malformed_json"),
        (#"{"lane":"1"}"#, 400, "missing_field"),
        (#"{"scan":"01/09506000134352/21/API1"}"#, 400, "missing_field"),
        (#"{"scan":42,"lane":"1"}"#, 400, "invalid_field"),
        (#"{"scan":"","lane":"1"}"#, 400, "invalid_field"),
        (#"{"scan":"01/09506000134352/21/API1","lane":"1\n2"}"#, 400, "invalid_field"),
        (#"{"scan":"01/09506000134352/21/API1","lane":"1","till":"3"}"#, 400, "unknown_field"),
    ])
    func aBadBodyIsRefusedWithItsCodeAndChangesNothing(body: String, status: Int, code: String) async throws {
        try await APIHarness.with { api in
            let reply = try await api.post("redeem", body)
            #expect(reply.status == status, "\(reply.text)")
            #expect(reply.errorCode == code, "\(reply.text)")
            #expect(try api.journalLength == 0)
        }
    }

    @Test func theMessageOfAMissingFieldNamesIt() async throws {
        try await APIHarness.with { api in
            let reply = try await api.post("redeem", #"{"scan":"x"}"#)
            #expect(((reply.json["error"] as? [String: Any])?["message"] as? String)?.contains("lane") == true, "\(reply.text)")
        }
    }

    @Test func anUnknownOperationIsRefused() async throws {
        try await APIHarness.with { api in
            let reply = try await api.post("refund", #"{"scan":"\#(APIHarness.codes[0])","lane":"1"}"#)
            #expect(reply.status == 400)
            #expect(reply.errorCode == "unknown_operation")
            #expect(try api.journalLength == 0)
        }
    }

    @Test func anOversizedScanAndAnOversizedBodyAreRefused() async throws {
        try await APIHarness.with { api in
            let longScan = String(repeating: "9", count: 5_000)
            let scan = try await api.post("redeem", #"{"scan":"\#(longScan)","lane":"1"}"#)
            #expect(scan.status == 400)
            #expect(scan.errorCode == "invalid_field")
            let huge = String(repeating: "x", count: 20_000)
            let body = try await api.post("redeem", #"{"scan":"\#(huge)","lane":"1"}"#)
            #expect(body.status == 413)
            #expect(body.errorCode == "body_too_large")
            #expect(try api.journalLength == 0)
            // Still serving.
            #expect(try await api.post("verify", #"{"scan":"\#(APIHarness.codes[0])","lane":"1"}"#).status == 200)
        }
    }

    @Test func aLaneActsInItsScannersRoleAndOthersInTheDefaultRole() async throws {
        try await APIHarness.with(laneRoles: ["dock": .receiving]) { api in
            let atTheDock = try await api.post("redeem", #"{"scan":"\#(APIHarness.codes[0])","lane":"dock"}"#)
            #expect(atTheDock.status == 200)
            #expect(atTheDock.json["result"] as? String == "not_allowed_for_lane")
            #expect(atTheDock.json["accepted"] as? Bool == false)
            // A lane without a scanner is a checkout (the default): it may redeem.
            let atATill = try await api.post("redeem", #"{"scan":"\#(APIHarness.codes[0])","lane":"till-4"}"#)
            #expect(atATill.json["result"] as? String == "accepted")
            let events = try api.fixture.ledger.journal(fromSeq: 1, limit: 10)
            #expect(events.map(\.role) == [.receiving, .checkout])
        }
    }

    @Test func whenTheLedgerCannotRecordTheAnswerIs503AndSaysNothingWasRecorded() async throws {
        try await APIHarness.with { api in
            try api.fixture.ledger.close()
            let reply = try await api.post("redeem", #"{"scan":"\#(APIHarness.codes[0])","lane":"1"}"#)
            #expect(reply.status == 503)
            #expect(reply.errorCode == "not_recorded")
            #expect(((reply.json["error"] as? [String: Any])?["message"] as? String)?.contains("nothing was recorded") == true)
        }
    }

    @Test func aLedgerFailureSendsAnErrorIDAndNeverItsText() async throws {
        try await APIHarness.with { api in
            try api.fixture.ledger.close()
            let redeem = try await api.post("redeem", #"{"scan":"\#(APIHarness.codes[0])","lane":"1"}"#)
            let status = try await api.get("/v1/status")
            for reply in [redeem, status] {
                #expect(reply.status == 503)
                let message = ((reply.json["error"] as? [String: Any])?["message"] as? String) ?? ""
                #expect(message.range(of: #"\(error id [0-9a-f]{8}\)$"#, options: .regularExpression) != nil, "\(message)")
                #expect(!message.contains("SQLite") && !message.contains(api.fixture.path), "\(message)")
            }
        }
    }
}
