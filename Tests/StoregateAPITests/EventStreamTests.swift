import Foundation
@testable import StoregateAPI
import StoregateCore
import StoregateGateway
import StoregateTesting
import Testing

/// `GET /v1/events`: every decision, in order, with its journal seq; a subscriber that stops reading is cut off
/// without holding anything else up.
@Suite
struct EventStreamTests {
    /// A client that goes away before the response head leaves: the server drops the body unwritten. Its slot and
    /// its subscription come back (before, the slot stayed taken, and `api.max_event_streams` such clients shut
    /// every later stream out with 503).
    @Test func aStreamWhoseBodyIsNeverWrittenGivesItsSlotAndSubscriptionBack() throws {
        let fixture = try LedgerFixture()
        defer { fixture.directory.remove() }
        let decisions = DecisionStream(bufferLimit: 8)
        let slots = EventStreamSlots(limit: 1)
        do {
            #expect(slots.take())
            let response = EventStreamResponse.make(decisions, ledger: fixture.ledger, lastEventID: nil, keepAlive: .seconds(30),
                                                    onEnd: { slots.release() })
            #expect(decisions.subscriberCount == 1)
            #expect(!slots.take(), "one slot, taken by the stream")
            _ = response
        }
        #expect(decisions.subscriberCount == 0)
        #expect(slots.take(), "the slot of the stream whose body was never written was not given back")
    }

    @Test func theStreamDeliversTheDecisionsOfAPICallsInOrderWithTheirSeq() async throws {
        try await APIHarness.with { api in
            let client = try EventStreamClient(port: api.port)
            defer { client.close() }
            try await waitUntil("subscribed", seconds: 10) { client.subscribed }

            _ = try await api.post("redeem", #"{"scan":"\#(APIHarness.codes[0])","lane":"3","operator":"li"}"#)
            _ = try await api.post("redeem", #"{"scan":"\#(APIHarness.codes[0])","lane":"3","operator":"li"}"#)
            _ = try await api.post("verify", #"{"scan":"\#(APIHarness.codes[1])","lane":"4"}"#)
            try await waitUntil("three decisions", seconds: 10) { client.decisions.count >= 3 }

            let decisions = client.decisions
            #expect(decisions.map(\.id) == ["1", "2", "3"])
            let objects = decisions.compactMap { $0.data.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] } }
            #expect(objects.map { $0["result"] as? String } == ["accepted", "already_redeemed", "accepted"])
            #expect(objects.map { $0["operation"] as? String } == ["redeem", "redeem", "verify"])
            #expect(objects.map { $0["seq"] as? Int } == [1, 2, 3])
            #expect(objects.map { $0["lane"] as? String } == ["3", "3", "4"])
            #expect(objects[0]["role"] as? String == "checkout")
            #expect(objects[0]["operator"] as? String == "li")
            #expect(objects[0]["id"] as? String == APIHarness.codes[0])
            #expect(objects[0]["origin"] as? String == "api")
            #expect((objects[0]["time_ms"] as? Int ?? 0) > 0)
            #expect(objects[1]["reason"] as? String != nil)
        }
    }

    @Test func anIdleStreamGetsKeepAliveCommentsAndStillDeliversTheNextDecision() async throws {
        try await APIHarness.with(keepAlive: .milliseconds(200)) { api in
            let client = try EventStreamClient(port: api.port)
            defer { client.close() }
            try await waitUntil("two keep-alives while nothing is decided", seconds: 10) {
                client.frames.filter { $0.comments.contains("keep-alive") }.count >= 2
            }
            #expect(client.decisions.isEmpty)
            _ = try await api.post("redeem", #"{"scan":"\#(APIHarness.codes[2])","lane":"1"}"#)
            try await waitUntil("the decision after the keep-alives", seconds: 10) { client.decisions.count == 1 }
            #expect(client.decisions.first?.id == "1")
            #expect(!client.ended)
        }
    }

    @Test func aClientResumingWithLastEventIDGetsTheJournalAfterItThenLiveDecisions() async throws {
        try await APIHarness.with(bufferLimit: 8) { api in
            for code in APIHarness.codes { _ = try await api.post("sell", #"{"scan":"\#(code)","lane":"5"}"#) }
            let client = try EventStreamClient(port: api.port, lastEventID: 2)
            defer { client.close() }
            try await waitUntil("the journal after 2", seconds: 10) { client.decisions.count >= 3 }
            _ = try await api.post("redeem", #"{"scan":"\#(APIHarness.codes[0])","lane":"5"}"#)
            try await waitUntil("the live decision", seconds: 10) { client.decisions.count >= 4 }

            #expect(client.decisions.map(\.id) == ["3", "4", "5", "6"])
            let fromJournal = client.decisions[0].data.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(fromJournal?["id"] as? String == APIHarness.codes[2])
            #expect(fromJournal?["operation"] as? String == "sell")
            #expect(fromJournal?["lane"] as? String == "5")
        }
    }

    @Test func aReplayedIdempotentAnswerIsNotADecisionAgain() async throws {
        try await APIHarness.with { api in
            let client = try EventStreamClient(port: api.port)
            defer { client.close() }
            try await waitUntil("subscribed", seconds: 10) { client.subscribed }
            let body = #"{"scan":"\#(APIHarness.codes[0])","lane":"3","idempotency_key":"once"}"#
            _ = try await api.post("sell", body)
            _ = try await api.post("sell", body)
            _ = try await api.post("verify", #"{"scan":"\#(APIHarness.codes[1])","lane":"3"}"#)
            try await waitUntil("two decisions", seconds: 10) { client.decisions.count >= 2 }
            #expect(client.decisions.map(\.id) == ["1", "2"])
        }
    }

    @Test func aStalledSubscriberIsCutOffWhileAnotherKeepsReceiving() async throws {
        let bufferLimit = 8
        try await APIHarness.with(bufferLimit: bufferLimit) { api in
            let stalled = try EventStreamClient(port: api.port, receiveBufferBytes: 4_096)
            let reader = try EventStreamClient(port: api.port)
            defer { stalled.close(); reader.close() }
            try await waitUntil("both subscribed", seconds: 10) { stalled.subscribed && reader.subscribed }
            stalled.stall()

            // Large decisions in batches smaller than the buffer, each read by the live subscriber before the next:
            // only the stalled one falls behind, once its socket and the server's write buffer are full.
            let reason = String(repeating: "r", count: 4_000)
            var seq: Int64 = 0
            var batches = 0
            while api.desk.decisions.subscriberCount == 2 && batches < 5_000 {
                for _ in 0..<(bufferLimit / 2) {
                    seq += 1
                    api.desk.decisions.publish(DecisionEvent(
                        seq: seq, eventID: nil, time: Timestamp(milliseconds: 1), lane: "1", role: .checkout, operatorName: "o",
                        operation: .verify, codeID: nil, result: .accepted, reason: reason, origin: .scanner))
                }
                let expected = seq
                try await waitUntil("the reader at \(expected)", seconds: 10) { reader.decisions.count == expected }
                batches += 1
            }
            #expect(api.desk.decisions.subscriberCount == 1, "the stalled subscriber was never cut off")

            // The live subscriber still receives.
            seq += 1
            api.desk.decisions.publish(DecisionEvent(
                seq: seq, eventID: nil, time: Timestamp(milliseconds: 1), lane: "1", role: .checkout, operatorName: "o",
                operation: .verify, codeID: nil, result: .accepted, reason: "after", origin: .scanner))
            let last = seq
            try await waitUntil("the reader at \(last)", seconds: 10) { reader.decisions.last?.id == String(last) }

            // Reading again, the stalled one finds an unbroken prefix, then why it was cut off, then the end.
            stalled.resume()
            try await waitUntil("the stalled stream's end", seconds: 20) { stalled.ended }
            let frames = stalled.frames
            let ids = frames.compactMap(\.id)
            #expect(ids == (1...ids.count).map(String.init))
            #expect(ids.count < last)
            #expect(frames.last?.event == "closed")
            #expect(frames.last?.data?.contains("too slow") == true, "\(String(describing: frames.last))")
        }
    }
}
