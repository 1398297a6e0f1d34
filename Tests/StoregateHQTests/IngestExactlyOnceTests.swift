import Foundation
import StoregateHQ
import StoregateContract
import StoregateTesting
import Testing

/// Every event is stored once and counted once, whatever the broker and the instances do to the stream.
@Suite(.serialized) struct IngestExactlyOnceTests {
    /// A store's morning: receipts, sales, redemptions, a rejection, spread over GTINs and a campaign.
    static func morning(_ gateway: inout SimulatedGateway, count: Int, start: Int64 = 1_780_000_000_000) -> [SimulatedGateway.Event] {
        (0..<count).map { index in
            let code = SimulatedGateway.unitCode(gtin: index % 3 == 0 ? "09506000134352" : "04012345000017",
                                                 serial: "\(gateway.storeID)-\(gateway.gatewayID)-\(index)")
            let op = ["receive", "sell", "redeem", "verify"][index % 4]
            let result = index % 17 == 5 ? "unknown_code" : "accepted"
            return gateway.next(op: op, code: code, result: result, campaign: index % 2 == 0 ? "cap-2026" : nil,
                                timeMs: start + Int64(index) * 1_000)
        }
    }

    /// The rollups equal a recount of the stored events, column by column.
    static func expectRollupsEqualRecount(_ harness: HQHarness) throws {
        let rollups = try harness.value("""
            SELECT sum(events), sum(received), sum(sold), sum(returned), sum(redemptions), sum(verifies), sum(rejections),
                   sum(revenue_minor) FROM rollups_hourly
            """)
        // Baskets and returns count by their lines, read back from the stored payloads.
        let recount = try harness.value("""
            WITH lines AS (
                SELECT e.op, (l->>'quantity')::bigint AS quantity, coalesce((l->>'amount')::bigint, 0) AS amount,
                       coalesce((l->>'refund')::bigint, 0) AS refund
                FROM events AS e, jsonb_array_elements(convert_from(e.payload, 'UTF8')::jsonb->'details'->'lines') AS l
                WHERE e.op IN ('sale', 'return') AND e.result = 'accepted')
            SELECT count(*), count(*) FILTER (WHERE op = 'receive' AND result = 'accepted'),
                   count(*) FILTER (WHERE op = 'sell' AND result = 'accepted')
                       + (SELECT coalesce(sum(quantity), 0) FROM lines WHERE op = 'sale'),
                   (SELECT coalesce(sum(quantity), 0) FROM lines WHERE op = 'return'),
                   count(*) FILTER (WHERE op = 'redeem' AND result = 'accepted'),
                   count(*) FILTER (WHERE op = 'verify' AND result = 'accepted'),
                   count(*) FILTER (WHERE result <> 'accepted'),
                   (SELECT coalesce(sum(amount), 0) - coalesce(sum(refund), 0) FROM lines)
            FROM events
            """)
        #expect(rollups == recount)
        // Lines of baskets add rows of their own SKUs that no event is stored under (events 0 there).
        let byHour = try harness.int("""
            SELECT count(*) FROM (
                SELECT date_trunc('hour', to_timestamp(time_ms / 1000)) AS hour, store_id, gtin, campaign, count(*) AS n FROM events
                GROUP BY 1, 2, 3, 4) AS e
            FULL JOIN rollups_hourly AS r USING (hour, store_id, gtin, campaign)
            WHERE coalesce(e.n, 0) <> coalesce(r.events, 0)
            """)
        #expect(byHour == 0)
    }

    @Test func duplicatesAndReorderingAreStoredOnceAndTheWatermarkReachesTheEnd() async throws {
        let harness = try HQHarness()
        let hq = try await harness.start(harness.configuration())
        let publisher = try await GatewayPublisher(broker: harness.broker)
        var gateway = SimulatedGateway(storeID: "S001", gatewayID: "g1")
        let events = Self.morning(&gateway, count: 600)
        var generator = SeededGenerator(seed: 7)
        // Every event once, a third of them twice, all shuffled.
        var messages = events.map { ("S001", "g1", $0.payload) }
        messages += events.filter { $0.seq % 3 == 0 }.map { ("S001", "g1", $0.payload) }
        messages.shuffle(using: &generator)
        try await publisher.publish(messages)

        try await harness.waitForWatermark(store: "S001", gateway: "g1", 600)
        #expect(try harness.int("SELECT count(*) FROM events") == 600)
        #expect(try harness.int("SELECT count(DISTINCT event_id) FROM events") == 600)
        #expect(try harness.int("SELECT count(*) FROM event_keys") == 600)
        #expect(try harness.int("SELECT events FROM gateways") == 600)
        #expect(try harness.int("SELECT duplicates FROM gateways") == 200)
        #expect(try harness.int("SELECT count(*) FROM alerts") == 0)
        let acceptedRedemptions = events.filter {
            let text = String(decoding: $0.payload, as: UTF8.self)
            return text.contains(#""op":"redeem""#) && text.contains(#""result":"accepted""#)
        }.count
        #expect(acceptedRedemptions > 100)
        #expect(try harness.int("SELECT count(*) FROM redemptions") == acceptedRedemptions)
        try Self.expectRollupsEqualRecount(harness)
        // The stored bytes are the gateway's, hash chain and all.
        #expect(try harness.value("SELECT encode(payload, 'escape') FROM events WHERE seq = 42")
            == String(decoding: events[41].payload, as: UTF8.self))
        await publisher.stop()
        try await hq.stop()
    }

    @Test func twoInstancesSharingTheSubscriptionStoreEveryEventOnce() async throws {
        let harness = try HQHarness()
        let first = try await harness.start(harness.configuration(clientID: "hq-a"))
        let second = try await harness.start(harness.configuration(clientID: "hq-b"))
        let publisher = try await GatewayPublisher(broker: harness.broker)
        var messages: [(String, String, [UInt8])] = []
        for store in 1...5 {
            var gateway = SimulatedGateway(storeID: "S\(store)", gatewayID: "g1")
            let events = Self.morning(&gateway, count: 300)
            messages += events.map { ("S\(store)", "g1", $0.payload) }
            // The same events again, as a gateway that restarted before its PUBACKs would send them.
            messages += events.suffix(50).map { ("S\(store)", "g1", $0.payload) }
        }
        var generator = SeededGenerator(seed: 11)
        messages.shuffle(using: &generator)
        try await publisher.publish(messages)
        for store in 1...5 { try await harness.waitForWatermark(store: "S\(store)", gateway: "g1", 300) }
        #expect(try harness.int("SELECT count(*) FROM events") == 1_500)
        #expect(try harness.int("SELECT sum(duplicates) FROM gateways") == 250)
        // Both instances did part of the work.
        #expect(first.application.statistics.snapshot.stored > 0)
        #expect(second.application.statistics.snapshot.stored > 0)
        // Each instance counts a batch just after its commit, which the watermark already shows.
        try await waitUntil("both instances counted their last batch", seconds: 10) {
            first.application.statistics.snapshot.stored + second.application.statistics.snapshot.stored == 1_500
        }
        try Self.expectRollupsEqualRecount(harness)
        await publisher.stop()
        try await first.stop()
        try await second.stop()
    }

    @Test func aRestartedDatabaseLosesNothingAndCountsNothingTwice() async throws {
        let harness = try HQHarness()
        let hq = try await harness.start(harness.configuration())
        let publisher = try await GatewayPublisher(broker: harness.broker)
        var gateway = SimulatedGateway(storeID: "S001", gatewayID: "g1")
        let events = Self.morning(&gateway, count: 2_000)
        try await publisher.publish(events.prefix(1_000).map { ("S001", "g1", $0.payload) })
        try await harness.waitForWatermark(store: "S001", gateway: "g1", 1_000)
        // The database dies while the second half arrives, and comes back: the instance holds those events until
        // it can commit them (the pool waits for a connection, or the commit fails and is retried).
        try harness.postgres.crash()
        try await publisher.publish(events.suffix(1_000).map { ("S001", "g1", $0.payload) })
        try await waitUntil("the instance received the second half", seconds: 30) {
            hq.application.statistics.snapshot.received == 2_000
        }
        #expect(hq.application.statistics.snapshot.stored == 1_000)
        try harness.postgres.start()
        try await harness.waitForWatermark(store: "S001", gateway: "g1", 2_000)
        #expect(try harness.int("SELECT count(*) FROM events") == 2_000)
        #expect(hq.application.statistics.snapshot.stored == 2_000)
        try Self.expectRollupsEqualRecount(harness)
        await publisher.stop()
        try await hq.stop()
    }

    /// The broker restarts under load. mosquitto (2.0) restores HQ's persistent session but not its shared
    /// subscription, so what gateways publish before HQ has reconnected and subscribed again is acknowledged to
    /// them and delivered to no one. HQ finds the hole as soon as a later event arrives and asks for it with a
    /// signed requeue; answered, every event is stored once (how much the restart drops depends on when HQ is back:
    /// usually all of 501–999).
    @Test func whatABrokerRestartDropsIsRequeuedAndEveryEventStoredOnce() async throws {
        let harness = try HQHarness(persistentBroker: true)
        let hq = try await harness.start(harness.configuration())
        let listener = try await WhatOnlyHQSeesTests.DownlinkListener(broker: harness.broker, signer: harness.signer)
        var gateway = SimulatedGateway(storeID: "S001", gatewayID: "g1")
        let events = (1...1_000).map { gateway.next(op: "sell", code: SimulatedGateway.unitCode(serial: "R\($0)"), timeMs: 1_780_000_000_000 + Int64($0)) }
        let message = { (event: SimulatedGateway.Event) in ("S001", "g1", event.payload) }
        let before = try await GatewayPublisher(broker: harness.broker)
        try await before.publish(events.prefix(500).map(message))
        try await harness.waitForWatermark(store: "S001", gateway: "g1", 500)
        await before.stop()

        harness.broker.terminate()
        try harness.broker.start()
        // At once, before HQ's reconnect backoff lets it back in: acknowledged by the broker, delivered to no one.
        let after = try await GatewayPublisher(broker: harness.broker)
        try await after.publish(events[500..<999].map(message))
        // The last event, again until HQ has it (it is subscribed again by then).
        for _ in 0..<100 where (try? harness.int("SELECT count(*) FROM event_keys WHERE seq = 1000")) != 1 {
            try await after.publish([message(events[999])])
            try await Task.sleep(for: .milliseconds(300))
        }
        // Play the gateway's part: answer every requeue (there may be several holes, depending on when HQ was back)
        // until the watermark is at the end.
        var answered = Set<Int64>()
        for _ in 0..<300 where (try? harness.int("SELECT watermark FROM gateways")) != 1_000 {
            for requeue in listener.messages.value where requeue.body.command == "requeue" {
                guard let from = requeue.body.fromSeq, let to = requeue.body.toSeq, answered.insert(from).inserted else { continue }
                try await after.publish(events[Int(from - 1)..<Int(to)].map(message))
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        try await harness.waitForWatermark(store: "S001", gateway: "g1", 1_000, seconds: 5)
        #expect(try harness.int("SELECT count(*) FROM events") == 1_000)
        #expect(try harness.int("SELECT count(*) FROM event_keys") == 1_000)
        await after.stop()
        try await hq.stop()
    }
}
