import Foundation
import StoregateCore
import StoregateLedger
import StoregateTesting
import Testing
import StoregateContract
import StoregateLink

/// The ledger's disk is full and there is no reserve left: delivery marks cannot be written. The link must keep
/// delivering and say why, not stop the gateway; once space is back, a reconnect resends what stayed unmarked.
@Suite(.serialized)
struct UplinkDiskFullTests {
    @Test func marksThatCannotBeWrittenDoNotStopTheLink() async throws {
        let broker = try Broker(persistent: true)
        defer { broker.stop() }
        let filesystem = try SmallFilesystem(megabytes: 16)
        defer { filesystem.unmount() }
        let fixture = try LedgerFixture(in: filesystem.directory)
        try fixture.produce(50)
        try fixture.ledger.checkpointAndTruncateWAL()
        var noReserve = DiskGuardConfiguration()
        noReserve.reserveBytes = 0
        let disk = DiskGuard(ledger: fixture.ledger, configuration: noReserve)
        try filesystem.fill(leavingFree: 0)

        let subscriber = try TestSubscriber(port: broker.port, clientID: "test-hq-diskfull")
        try await subscriber.waitUntilSubscribed()
        let harness = try LinkHarness(fixture: fixture, port: broker.port, configure: { $0.markIntervalMilliseconds = 50 }, disk: disk)
        try await waitUntil("50 events at HQ despite the full disk") { Set(subscriber.events.map(\.seq)).count == 50 }
        try await waitUntil("the status says the marks failed") {
            harness.link.status?.lastError?.contains("cannot record deliveries") == true
        }
        #expect(harness.undelivered == 50, "nothing could be marked")

        // Space is back; the next connection resends what is unmarked, and this time the marks are written.
        try filesystem.removeFiller()
        broker.terminate()
        try broker.start()
        try await waitUntil("all marked delivered after the reconnect", seconds: 60) { harness.undelivered == 0 }
        await harness.stop()
        await subscriber.stop()
        #expect(Set(subscriber.events.map(\.seq)) == Set(1...50), "nothing lost; resends are duplicates HQ drops")
    }
}
