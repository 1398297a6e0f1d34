import Foundation
import StoregateContract
import StoregateCore
import StoregateHQ
import StoregateLedger
import StoregateMQTTClient
import StoregateTesting
import Synchronization
import Testing

/// Chains, gaps and double redemptions: what HQ finds across the streams, and how it answers over the downlink.
@Suite(.serialized) struct WhatOnlyHQSeesTests {
    /// Subscribes to HQ's downlink and returns the verified messages seen so far.
    final class DownlinkListener: Sendable {
        let client: MQTTClient
        let messages = LockedBox<[DownlinkMessage]>([])

        init(broker: Broker, signer: DownlinkSigner) async throws {
            self.client = try MQTTClient(options: MQTTConnectionOptions(host: "127.0.0.1", port: broker.port, clientID: "listener",
                                                                         sessionExpirySeconds: 0))
            self.client.start()
            let verifier = try DownlinkVerifier(keys: [signer.keyID: signer.publicKeyText])
            let subscribed = LockedBox(false)
            Task {
                for await event in self.client.events {
                    switch event {
                    case .connected:
                        _ = try? self.client.subscribe(TopicScheme.broadcastDownlinkFilter)
                        _ = try? self.client.subscribe("\(TopicScheme.root)/hq/store/+/+")
                    case .subscribed:
                        subscribed.set(true)
                    case .message(let topic, let payload, _):
                        guard let address = DownlinkAddress(topic: topic),
                              case .success(let (message, _)) = verifier.verify(payload, address: address) else { continue }
                        self.messages.update { $0.append(message) }
                    default:
                        continue
                    }
                }
            }
            try await waitUntil("listener subscribed") { subscribed.value }
        }
    }

    @Test func aBrokenChainIsAlertedWhenItsPredecessorArrivesWhateverTheOrder() async throws {
        let harness = try HQHarness()
        let hq = try await harness.start(harness.configuration())
        let publisher = try await GatewayPublisher(broker: harness.broker)
        var gateway = SimulatedGateway(storeID: "S001", gatewayID: "g1")
        var events = (1...20).map { index in
            gateway.next(op: "sell", code: SimulatedGateway.unitCode(serial: "C\(index)"), timeMs: 1_780_000_000_000 + Int64(index))
        }
        // Event 12 is replaced by one that names a wrong predecessor (a tampered or inserted event).
        var tampered = SimulatedGateway(storeID: "S001", gatewayID: "g1")
        for _ in 1...11 { _ = tampered.next(op: "sell", code: "x", timeMs: 0) }
        events[11] = tampered.next(op: "redeem", code: SimulatedGateway.unitCode(serial: "FORGED"), timeMs: 1_780_000_000_012,
                                   prevHashOverride: [UInt8](repeating: 0xAB, count: 32))
        // The successor arrives first, the broken link last.
        let order = Array(events[12...]) + Array(events[..<11]) + [events[11]]
        try await publisher.publish(order.map { ("S001", "g1", $0.payload) })
        try await harness.waitForWatermark(store: "S001", gateway: "g1", 20)
        // Seq 12 names a wrong prev_hash, and 13 no longer chains to 12.
        #expect(try harness.value("SELECT string_agg(details->>'seq', ',' ORDER BY (details->>'seq')::int) FROM alerts WHERE kind = 'chain_broken'")
            == "12,13")
        await publisher.stop()
        try await hq.stop()
    }

    @Test func anEventPublishedOnAnotherGatewaysTopicIsRefusedAndAlertedAsATopicMismatch() async throws {
        let harness = try HQHarness()
        let hq = try await harness.start(harness.configuration())
        let publisher = try await GatewayPublisher(broker: harness.broker)
        var first = SimulatedGateway(storeID: "S001", gatewayID: "g1")
        var second = SimulatedGateway(storeID: "S002", gatewayID: "g7")
        let own = (1...5).map { first.next(op: "sell", code: SimulatedGateway.unitCode(serial: "A\($0)"), timeMs: 1_780_000_000_000 + Int64($0)) }
        let others = (1...3).map { second.next(op: "redeem", code: SimulatedGateway.unitCode(serial: "B\($0)"), timeMs: 1_780_000_000_000 + Int64($0)) }
        // S002/g7's events 1-3, replayed onto S001/g1's topic (where seqs 1-3 are S001's own), then everything on its
        // own topic: only the misrouted copies are refused.
        try await publisher.publish(others.map { ("S001", "g1", $0.payload) })
        try await publisher.publish(own.map { ("S001", "g1", $0.payload) } + others.map { ("S002", "g7", $0.payload) })
        try await harness.waitForWatermark(store: "S001", gateway: "g1", 5)
        try await harness.waitForWatermark(store: "S002", gateway: "g7", 3)
        try await waitUntil("the misrouted events alerted", seconds: 20, interval: .milliseconds(100)) {
            (try? harness.int("SELECT count(*) FROM alerts WHERE kind = 'topic_mismatch'")) == 3
        }
        #expect(try harness.value("""
            SELECT string_agg(store_id || '/' || gateway_id || '<-' || (details->>'writer_store') || '/' || (details->>'writer_gateway')
                              || '#' || (details->>'seq'), ',' ORDER BY (details->>'seq')::int)
            FROM alerts WHERE kind = 'topic_mismatch'
            """) == "S001/g1<-S002/g7#1,S001/g1<-S002/g7#2,S001/g1<-S002/g7#3")
        #expect(try harness.int("SELECT count(*) FROM events WHERE store_id = 'S001'") == 5)
        #expect(try harness.int("SELECT count(*) FROM events WHERE store_id = 'S002'") == 3)
        #expect(try harness.int("SELECT count(*) FROM alerts WHERE kind IN ('chain_broken', 'sequence_conflict')") == 0)
        await publisher.stop()
        try await hq.stop()
    }

    @Test func aCodeRedeemedAtTwoStoresIsAlertedWithBothEventsAndRevokedEverywhere() async throws {
        let harness = try HQHarness()
        let hq = try await harness.start(harness.configuration())
        let listener = try await DownlinkListener(broker: harness.broker, signer: harness.signer)
        let publisher = try await GatewayPublisher(broker: harness.broker)
        let cap = SimulatedGateway.unitCode(serial: "CAP-777")
        var north = SimulatedGateway(storeID: "S-north", gatewayID: "g1")
        var south = SimulatedGateway(storeID: "S-south", gatewayID: "g1")
        let first = north.next(op: "redeem", code: cap, campaign: "cap-2026", timeMs: 1_780_000_000_000)
        let again = north.next(op: "redeem", code: cap, result: "already_redeemed", timeMs: 1_780_000_001_000)
        let second = south.next(op: "redeem", code: cap, campaign: "cap-2026", timeMs: 1_780_000_002_000)
        try await publisher.publish([("S-north", "g1", first.payload), ("S-north", "g1", again.payload)])
        try await harness.waitForWatermark(store: "S-north", gateway: "g1", 2)
        try await publisher.publish([("S-south", "g1", second.payload)])
        try await harness.waitForWatermark(store: "S-south", gateway: "g1", 1)

        #expect(try harness.int("SELECT count(*) FROM alerts WHERE kind = 'double_redemption'") == 1)
        #expect(try harness.value("SELECT (details->'first'->>'store') || ' ' || (details->'second'->>'store') FROM alerts WHERE kind = 'double_redemption'")
            == "S-north S-south")
        #expect(try harness.value("SELECT store_id FROM redemptions WHERE code = '\(cap)'") == "S-north")
        #expect(try harness.int("SELECT count(*) FROM redemption_conflicts") == 1)
        // The revocation went out signed, to every store.
        try await waitUntil("the revocation on the downlink", seconds: 20, interval: .milliseconds(100)) {
            listener.messages.value.contains { $0.kind == "revocations" && $0.body.revocations?.first?.code == cap }
        }
        let revocation = try #require(listener.messages.value.first { $0.kind == "revocations" })
        #expect(revocation.target == "*")
        #expect(revocation.seq == 1)
        try await waitUntil("the outbox row marked published", seconds: 10, interval: .milliseconds(100)) {
            (try? harness.int("SELECT count(*) FROM downlink_outbox WHERE published_ms IS NOT NULL")) == 1
        }
        await publisher.stop()
        try await hq.stop()
    }

    @Test func aGapIsAskedForWithASignedRequeueAndClosesWhenTheEventsArrive() async throws {
        let harness = try HQHarness()
        let hq = try await harness.start(harness.configuration())
        let listener = try await DownlinkListener(broker: harness.broker, signer: harness.signer)
        let publisher = try await GatewayPublisher(broker: harness.broker)
        var gateway = SimulatedGateway(storeID: "S001", gatewayID: "g1")
        let events = (1...50).map { gateway.next(op: "sell", code: SimulatedGateway.unitCode(serial: "U\($0)"), timeMs: 1_780_000_000_000 + Int64($0)) }
        // Seqs 21–30 never arrive.
        try await publisher.publish(events.filter { !(21...30).contains($0.seq) }.map { ("S001", "g1", $0.payload) })
        try await harness.waitForWatermark(store: "S001", gateway: "g1", 20)
        try await waitUntil("a requeue of 21–30", seconds: 20, interval: .milliseconds(100)) {
            listener.messages.value.contains { $0.kind == "commands" && $0.target == "S001" && $0.body.command == "requeue" }
        }
        let requeue = try #require(listener.messages.value.first { $0.body.command == "requeue" })
        #expect(requeue.body.fromSeq == 21)
        #expect(requeue.body.toSeq == 30)
        // Unanswered, it is sent again, and after the configured number of sends the gap is an alert.
        try await waitUntil("gap_unfilled", seconds: 30, interval: .milliseconds(200)) {
            (try? harness.int("SELECT count(*) FROM alerts WHERE kind = 'gap_unfilled' AND resolved_ms IS NULL")) == 1
        }
        // The alert commits with the third requeue; that message is published just after.
        try await waitUntil("the third requeue on the downlink", seconds: 10, interval: .milliseconds(100)) {
            listener.messages.value.filter { $0.body.command == "requeue" }.count >= 3
        }
        // The gateway answers: the gap fills, the requeue and the alert close.
        try await publisher.publish(events.filter { (21...30).contains($0.seq) }.map { ("S001", "g1", $0.payload) })
        try await harness.waitForWatermark(store: "S001", gateway: "g1", 50)
        try await waitUntil("the requeue marked filled and the alert resolved", seconds: 10, interval: .milliseconds(100)) {
            (try? harness.int("SELECT count(*) FROM requeues WHERE filled_ms IS NULL")) == 0
                && (try? harness.int("SELECT count(*) FROM alerts WHERE kind = 'gap_unfilled' AND resolved_ms IS NULL")) == 0
        }
        #expect(try harness.int("SELECT count(*) FROM events") == 50)
        await publisher.stop()
        try await hq.stop()
    }

    @Test func aSummaryThatDisagreesWithItsEventsIsAlertedAndItsRangeRequeued() async throws {
        // A real ledger's basket and summary, the summary then altered to claim one more unit sold.
        let fixture = try LedgerFixture(gatewayID: "g1")
        defer { fixture.remove() }
        try fixture.register(ids: ["01/09506000134352/21/Q1"])
        _ = try fixture.ledger.applySale(SaleBasket(receipt: "R9", currency: "CNY", lines: [
            SaleLine(kind: .unit, code: .unit(serial: "Q1"), unitPrice: 800),
            SaleLine(kind: .plain, gtin: "04006381333931", quantity: 2, unitPrice: 100),
        ], context: .test()))
        try fixture.ledger.writeSalesSummary(periodEnd: .testNow, at: .testNow) { range in
            var tally = SalesTally()
            try range.forEachAcceptedPayload(of: SalesTally.countedOperations) { tally.add(try EventPayload.decode($0)) }
            return tally.summaryJSON(periodStartMs: range.periodStartMs, periodEndMs: range.periodEndMs, firstSeq: range.firstSeq,
                                     lastSeq: range.lastSeq)
        }
        var payloads = try fixture.ledger.journal().map { Array($0.canonicalPayload.utf8) }
        #expect(payloads.count == 2)
        let forged = String(decoding: payloads[1], as: UTF8.self).replacingOccurrences(of: #""sold":2"#, with: #""sold":3"#)
        #expect(Array(forged.utf8) != payloads[1])
        payloads[1] = Array(forged.utf8)

        let harness = try HQHarness()
        let hq = try await harness.start(harness.configuration())
        let listener = try await DownlinkListener(broker: harness.broker, signer: harness.signer)
        let publisher = try await GatewayPublisher(broker: harness.broker)
        try await publisher.publish(payloads.map { ("S1", "g1", $0) })
        try await harness.waitForWatermark(store: "S1", gateway: "g1", 2)
        try await waitUntil("summary_mismatch", seconds: 20, interval: .milliseconds(100)) {
            (try? harness.int("SELECT count(*) FROM alerts WHERE kind = 'summary_mismatch'")) == 1
        }
        #expect(try harness.value("SELECT problem FROM sales_summaries").contains("04006381333931"))
        try await waitUntil("the range requeued", seconds: 20, interval: .milliseconds(100)) {
            listener.messages.value.contains { $0.body.command == "requeue" && $0.body.fromSeq == 1 && $0.body.toSeq == 1 }
        }
        await publisher.stop()
        try await hq.stop()
    }

    @Test func eventsThatAreNotEventsAreAlertedAndChangeNothing() async throws {
        let harness = try HQHarness()
        let hq = try await harness.start(harness.configuration())
        let publisher = try await GatewayPublisher(broker: harness.broker)
        var outOfTime = SimulatedGateway(storeID: "S001", gatewayID: "g1")
        let bad: [[UInt8]] = [
            Array("not json".utf8), Array("{}".utf8), Array("[1,2]".utf8),
            // After 9999-12-31: no date in PostgreSQL's partitions.
            outOfTime.next(op: "verify", code: nil, timeMs: EventPayload.latestTimeMs + 1).payload,
            Array(#"{"v":1,"seq":"1","event_id":"x"}"#.utf8),
            Array(#"{"v":2,"seq":1,"event_id":"0190c5a8-0000-7000-8000-000000000001","op":"sell","result":"accepted","reason":"","lane":"1","operator":"a","role":"sell","time_ms":1,"provisional":false,"prev_hash":"00"}"#.utf8),
            [0xFF, 0xFE, 0x00],
        ]
        try await publisher.publish(bad.map { ("S001", "g1", $0) })
        try await waitUntil("every bad message alerted", seconds: 20, interval: .milliseconds(100)) {
            (try? harness.int("SELECT count(*) FROM alerts WHERE kind = 'invalid_event'")) == bad.count
        }
        #expect(try harness.int("SELECT count(*) FROM events") == 0)
        #expect(try harness.int("SELECT count(*) FROM event_keys") == 0)
        #expect(hq.application.statistics.snapshot.invalid == bad.count)
        await publisher.stop()
        try await hq.stop()
    }

    /// Ten verifies each of S001 and S002, interleaved in one publish (so one batch holds both stores); S001's
    /// event `bad` is the one that cannot be stored. Returns once S002's ten and `extra` are stored and exactly one
    /// event is alerted as invalid, with the alert's problem.
    static func oneBadEventAmongTwoStores(_ harness: HQHarness, bad: Int, serial: (Int) -> String = { "T\($0)" },
                                          result: (Int) -> String = { _ in "accepted" },
                                          extra: (inout SimulatedGateway) -> [UInt8] = { _ in [] }) async throws -> String {
        let publisher = try await GatewayPublisher(broker: harness.broker)
        var first = SimulatedGateway(storeID: "S001", gatewayID: "g1")
        var second = SimulatedGateway(storeID: "S002", gatewayID: "g1")
        var messages: [(String, String, [UInt8])] = []
        for index in 1...10 {
            let poisoned = first.next(op: "verify", code: SimulatedGateway.unitCode(serial: serial(index)), result: result(index),
                                      timeMs: 1_780_000_000_000 + Int64(index))
            messages.append(("S001", "g1", poisoned.payload))
            messages.append(("S002", "g1", second.next(op: "verify", code: SimulatedGateway.unitCode(serial: "U\(index)"),
                                                       timeMs: 1_780_000_000_000 + Int64(index)).payload))
        }
        let more = extra(&second)
        if !more.isEmpty { messages.append(("S002", "g1", more)) }
        try await publisher.publish(messages)
        try await harness.waitForWatermark(store: "S002", gateway: "g1", second.seq)
        try await waitUntil("the refused event alerted", seconds: 20, interval: .milliseconds(100)) {
            (try? harness.int("SELECT count(*) FROM alerts WHERE kind = 'invalid_event'")) == 1
        }
        try await waitUntil("S001's other events stored", seconds: 20, interval: .milliseconds(100)) {
            (try? harness.int("SELECT count(*) FROM events WHERE store_id = 'S001'")) == 9
        }
        #expect(try harness.int("SELECT watermark FROM gateways WHERE store_id = 'S001'") == bad - 1)
        await publisher.stop()
        return try harness.value("SELECT details->>'problem' FROM alerts WHERE kind = 'invalid_event'")
    }

    /// Whatever else PostgreSQL refuses to store (here a code too long for an index entry) is found by halving the
    /// batch: the rest is stored, the event is alerted, and the ingest goes on.
    @Test func anEventPostgreSQLRefusesIsFoundAndTheRestIsStored() async throws {
        let harness = try HQHarness()
        let hq = try await harness.start(harness.configuration())
        var generator = SeededGenerator(seed: 54)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        let incompressible = String((0..<4_000).map { _ in alphabet.randomElement(using: &generator)! })
        let problem = try await Self.oneBadEventAmongTwoStores(harness, bad: 4, serial: { $0 == 4 ? incompressible : "T\($0)" })
        #expect(problem.contains("PostgreSQL refuses to store it"))
        #expect(try harness.int("SELECT (details->>'seq')::int FROM alerts WHERE kind = 'invalid_event'") == 4)
        #expect(hq.application.statistics.snapshot.invalid == 1)
        try await hq.stop()
    }

    /// PostgreSQL text cannot hold U+0000: such an event would make its whole batch fail at every retry, and ingest
    /// would stall for every store. It is refused and alerted; the batch it came with is stored.
    @Test func anEventHoldingNULIsRefusedAndDoesNotStallTheBatch() async throws {
        let harness = try HQHarness()
        let hq = try await harness.start(harness.configuration())
        var probe = SimulatedGateway(storeID: "S001", gatewayID: "g1")
        let poisoned = probe.next(op: "verify", code: nil, result: "unknown\u{0}code", timeMs: 1_780_000_000_000).payload
        #expect(String(decoding: poisoned, as: UTF8.self).contains(#"\u0000"#))
        let problem = try await Self.oneBadEventAmongTwoStores(harness, bad: 5, result: { $0 == 5 ? "unknown\u{0}code" : "accepted" }) { second in
            // A backslash escape that is not U+0000 is stored.
            second.next(op: "verify", code: SimulatedGateway.unitCode(serial: #"back\u0000slash"#), timeMs: 1_780_000_000_100).payload
        }
        #expect(problem.contains("U+0000"))
        #expect(try harness.value("SELECT code FROM events WHERE store_id = 'S002' AND seq = 11").hasSuffix(#"back\u0000slash"#))
        try await hq.stop()
    }
}
