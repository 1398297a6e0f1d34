import Foundation
import StoregateLedger
import StoregateTesting
import Testing
import StoregateContract
import StoregateLink

/// The uplink's promises that hinge on PUBACKs, against a broker that acknowledges only on cue (``FakeBroker``):
/// the PUBACK handling runs on the MQTT loop thread and the marks are committed from there, so these pin down
/// what must not change with the threading.
@Suite(.serialized)
struct UplinkAcknowledgementTests {
    @Test func eventsAreMarkedOnlyAfterTheirPubackAndTheWindowBoundsWhatIsInFlight() async throws {
        let broker = try FakeBroker()
        defer { broker.stop() }
        let fixture = try LedgerFixture()
        defer { fixture.directory.remove() }
        try fixture.produce(300)
        // A mark is committed for every PUBACK at once: as eager as marking can be.
        let harness = try LinkHarness(fixture: fixture, port: broker.port) {
            $0.window = 50
            $0.markBatch = 1
        }

        try await waitUntil("a full window at the broker") { broker.events.count >= 50 }
        // Nothing acknowledged: nothing marked, and nothing beyond the window handed out (given the loop a few
        // passes to overstep it if it were going to).
        try await Task.sleep(for: .milliseconds(200))
        #expect(broker.events.count == 50, "the window bounds what libmosquitto holds")
        #expect(harness.undelivered == 300, "no PUBACK, no mark")

        broker.acknowledgeEvents(20)
        try await waitUntil("20 marks") { harness.undelivered <= 280 }
        #expect(harness.undelivered == 280)
        #expect(try fixture.ledger.outboxEntry(seq: 20)?.delivered != nil)
        #expect(try fixture.ledger.outboxEntry(seq: 21)?.delivered == nil, "the 21st was published, not acknowledged")

        broker.acknowledgeAll(fromNowOn: true)
        try await waitUntil("all marked", seconds: 60) { harness.undelivered == 0 }
        await harness.stop()

        let seqs = broker.events.compactMap(\.seq)
        #expect(seqs == Array(1...300), "each event once, in sequence order (no outage)")
        #expect(harness.counters.value(.delivered) == 300)
    }

    @Test func aDroppedConnectionResendsTheUnacknowledgedOldestFirstAndKeepsTheMarks() async throws {
        let broker = try FakeBroker()
        defer { broker.stop() }
        let fixture = try LedgerFixture()
        defer { fixture.directory.remove() }
        try fixture.produce(200)
        // Marks are held in RAM (no batch fills, no interval passes): only the disconnect commits them.
        let harness = try LinkHarness(fixture: fixture, port: broker.port) {
            $0.window = 40
            $0.markBatch = 1_000_000
            $0.markIntervalMilliseconds = 3_600_000
        }
        try await waitUntil("a full window at the broker") { broker.events.count >= 40 }
        broker.acknowledgeEvents(15)
        try await Task.sleep(for: .milliseconds(200))
        #expect(harness.undelivered == 200, "marks wait for their batch")

        broker.dropConnection()
        try await waitUntil("the 15 acknowledged marked at the disconnect") { harness.undelivered == 185 }
        try await waitUntil("a second connection with its window") {
            broker.events.filter { $0.connection == 2 }.count >= 40
        }
        // libmosquitto also retransmits what it still held from the first connection (persistent session, DUP
        // flag) before the link restarts its window from the outbox: those copies are duplicates HQ may see, of
        // unacknowledged events only. What is first sent on the new connection is the oldest unacknowledged.
        let resent = broker.events.filter { $0.connection == 2 }.compactMap(\.seq)
        #expect(resent.first == 16, "the oldest unacknowledged first: \(resent.prefix(5))")
        #expect(resent.allSatisfy { $0 > 15 }, "nothing acknowledged is sent again")

        broker.acknowledgeAll(fromNowOn: true)
        try await waitUntil("16…200 sent on the second connection") {
            Set(broker.events.filter { $0.connection == 2 }.compactMap(\.seq)).isSuperset(of: 16...200)
        }
        await harness.stop()
        #expect(harness.undelivered == 0, "shutdown committed the marks held in RAM")
        let second = broker.events.filter { $0.connection == 2 }.compactMap(\.seq)
        var seen = Set<Int64>()
        #expect(second.filter { seen.insert($0).inserted } == Array(16...200), "first sends in sequence order")
    }

    @Test func shutdownWaitsForThePubacksInFlightAndCommitsTheirMarks() async throws {
        let broker = try FakeBroker()
        defer { broker.stop() }
        let fixture = try LedgerFixture()
        defer { fixture.directory.remove() }
        try fixture.produce(30)
        let harness = try LinkHarness(fixture: fixture, port: broker.port) {
            $0.markBatch = 1_000_000
            $0.markIntervalMilliseconds = 3_600_000
            $0.shutdownFlushMilliseconds = 60_000
        }
        try await waitUntil("all 30 at the broker") { broker.events.count >= 30 }
        let stopped = Task { await harness.stop() }
        // The link is now waiting for PUBACKs; acknowledge the events and, as they come, the offline status.
        try await Task.sleep(for: .milliseconds(100))
        broker.acknowledgeAll(fromNowOn: true)
        await stopped.value

        #expect(harness.undelivered == 0, "the PUBACKs that arrived during shutdown were marked")
        let offline = broker.publishes.last
        #expect(offline?.topic == harness.topics.status, "the last word is the offline status")
        #expect(broker.events.count == 30)
    }
}
