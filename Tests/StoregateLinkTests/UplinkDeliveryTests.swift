import Foundation
import StoregateCore
import StoregateLedger
import StoregateTesting
import Testing
import StoregateLink

/// The uplink against a real mosquitto: every journal event reaches an independent subscriber, in order, and is
/// marked delivered only once the broker acknowledged it.
@Suite(.serialized)
struct UplinkDeliveryTests {
    @Test func everyEventReachesAnIndependentSubscriberExactlyOnceInOrder() async throws {
        let broker = try Broker()
        defer { broker.stop() }
        let fixture = try LedgerFixture()
        defer { fixture.directory.remove() }
        let subscriber = try TestSubscriber(port: broker.port)
        try await subscriber.waitUntilSubscribed()

        try fixture.produce(400)  // a backlog written before the link starts
        let harness = try LinkHarness(fixture: fixture, port: broker.port)
        try fixture.produce(400, from: 400, link: harness.link)  // live events while it drains
        try await waitUntil("all 800 delivered") { harness.undelivered == 0 }
        try await waitUntil("800 arrivals") { subscriber.events.count >= 800 }
        await harness.stop()
        await subscriber.stop()

        let events = subscriber.events
        #expect(events.count == 800, "no duplicates without an outage")
        #expect(events.map(\.seq) == Array(1...800), "arrival order is sequence order")
        #expect(Set(events.map(\.eventID)).count == 800)
        #expect(harness.counters.value(.delivered) == 800)
        // The payload is the journal's canonical event, byte for byte (HQ can check the hash chain).
        let first = try #require(try fixture.ledger.outboxEntry(seq: 1))
        #expect(subscriber.messages.first.map { String(decoding: $0.payload, as: UTF8.self) } == first.payload)
        #expect(first.delivered != nil)
    }

    @Test func brokerRestartsMidStreamLoseNothingAndKeepOrder() async throws {
        let broker = try Broker(persistent: true)
        defer { broker.stop() }
        let fixture = try LedgerFixture()
        defer { fixture.directory.remove() }
        let subscriber = try TestSubscriber(port: broker.port, clientID: "test-hq-restarts")
        try await subscriber.waitUntilSubscribed()
        // One cursor: strict sequence order is what is checked here. (On a slow machine the backlog found at a
        // reconnect can exceed the default 1,000 and live events would legitimately overtake it; see below.)
        let harness = try LinkHarness(fixture: fixture, port: broker.port) { $0.interleaveAfter = .max }

        let total = 1_500
        let producer = Task.detached {
            for index in 0..<total {
                try fixture.produce(1, from: index, link: harness.link)
                if index % 10 == 0 { try await Task.sleep(for: .milliseconds(2)) }
            }
        }
        for _ in 0..<3 {
            try await Task.sleep(for: .milliseconds(300))
            broker.terminate()  // SIGTERM: the broker keeps the subscriber's session (persistence)
            try await Task.sleep(for: .milliseconds(200))
            try broker.start()
        }
        try await producer.value
        try await waitUntil("all delivered", seconds: 60) { harness.undelivered == 0 }
        do {
            try await waitUntil("every seq arrived", seconds: 10) { Set(subscriber.events.map(\.seq)).count >= total }
        } catch {
            let missing = Set(1...Int64(total)).subtracting(subscriber.events.map(\.seq)).sorted()
            Issue.record("missing \(missing.count): \(missing.prefix(20)) … \(missing.suffix(5))")
        }
        await harness.stop()
        await subscriber.stop()

        let seqs = subscriber.events.map(\.seq)
        #expect(Set(seqs) == Set(1...Int64(total)), "0 lost")
        // First arrivals are in sequence order; later copies are resends of what was unacknowledged.
        var seen = Set<Int64>()
        let firstArrivals = seqs.filter { seen.insert($0).inserted }
        #expect(firstArrivals == Array(1...Int64(total)))
        let duplicates = seqs.count - total
        // At most one window (100) plus one batch of marks (500) per outage can be sent twice.
        #expect(duplicates <= 3 * 600, "duplicates: \(duplicates)")
        // The first connect plus at least one reconnect; how many of the 3 outages the link sees separately depends
        // on where its backoff falls (a 200 ms outage can end inside a backoff pause), so it is not pinned down.
        #expect(harness.counters.value(.reconnects) >= 2)
    }

    @Test func liveEventsOvertakeALongBacklogAndEachStreamKeepsItsOrder() async throws {
        let broker = try Broker()
        defer { broker.stop() }
        let fixture = try LedgerFixture()
        defer { fixture.directory.remove() }
        let subscriber = try TestSubscriber(port: broker.port)
        try await subscriber.waitUntilSubscribed()

        let backlog = 2_000
        try fixture.produce(backlog)
        // A small window keeps the backlog draining for a while, so "overtakes" is observable.
        let harness = try LinkHarness(fixture: fixture, port: broker.port) {
            $0.interleaveAfter = 100
            $0.window = 4
        }
        try await waitUntil("the backlog started draining") { harness.counters.value(.delivered) > 0 }
        let live = try fixture.produce(5, from: backlog, link: harness.link)
        try await waitUntil("all delivered", seconds: 60) { harness.undelivered == 0 }
        try await waitUntil("every event arrived") { Set(subscriber.events.map(\.seq)).count >= backlog + live.count }
        await harness.stop()
        await subscriber.stop()

        let seqs = subscriber.events.map(\.seq)
        #expect(seqs.count == backlog + live.count, "exactly once without an outage")
        let lastBacklogArrival = try #require(seqs.firstIndex(of: Int64(backlog)))
        let lastLive = try #require(live.last)
        let lastLiveArrival = try #require(seqs.firstIndex(of: lastLive))
        #expect(lastLiveArrival < lastBacklogArrival, "the live events did not wait for the backlog")
        #expect(seqs.filter { $0 <= Int64(backlog) } == Array(1...Int64(backlog)), "the backlog in sequence order")
        #expect(seqs.filter { $0 > Int64(backlog) } == live, "the live events in sequence order")
    }
}

/// `storegate outbox requeue` (or HQ's `requeue` command) while the link runs: the events go out again without a
/// reconnect, even when their outbox rows had been pruned.
@Suite(.serialized)
struct UplinkRequeueTests {
    @Test func requeuedEventsAreSentAgainByARunningLink() async throws {
        let broker = try Broker()
        defer { broker.stop() }
        let fixture = try LedgerFixture()
        defer { fixture.directory.remove() }
        let subscriber = try TestSubscriber(port: broker.port)
        try await subscriber.waitUntilSubscribed()
        let harness = try LinkHarness(fixture: fixture, port: broker.port)
        try fixture.produce(20, link: harness.link)
        try await waitUntil("20 delivered") { harness.undelivered == 0 && subscriber.events.count == 20 }

        #expect(try fixture.ledger.pruneSettledOutbox(settledBefore: Timestamp(milliseconds: .max)) == 20)
        let requeued = try fixture.ledger.requeueOutbox(seqs: 3...7)
        #expect(requeued == 5)
        try await waitUntil("the requeued events sent again", seconds: 20) { subscriber.events.count >= 25 && harness.undelivered == 0 }
        await harness.stop()
        await subscriber.stop()
        #expect(subscriber.events.map(\.seq).suffix(5) == [3, 4, 5, 6, 7])
    }
}
