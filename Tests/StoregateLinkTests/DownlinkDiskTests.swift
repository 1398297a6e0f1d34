import Foundation
import StoregateContract
import StoregateCore
import StoregateFoundation
import StoregateLedger
import StoregateLink
import StoregateTesting
import Testing

/// HQ's downlink on a full disk (real broker, real SQLite on a small tmpfs the test fills): it goes through the
/// disk guard like every other write, and a message whose apply failed for a transient reason is neither
/// acknowledged nor reported — the broker delivers it again, and it is applied once space is back.
@Suite(.serialized)
struct DownlinkDiskTests {
    static let code = "01/09506000134352/21/A1"

    /// A ledger on a small filesystem with one registered code and HQ's downlink key, a link with the downlink on,
    /// connected and subscribed (an event it published was acknowledged, and the subscription was sent before it).
    func start(broker: Broker, filesystem: SmallFilesystem, sender: DownlinkSender,
               disk: (Ledger) -> DiskGuard) async throws -> (LedgerFixture, DiskGuard, LinkHarness) {
        let fixture = try LedgerFixture(in: filesystem.directory)
        let guardian = disk(fixture.ledger)
        let harness = try await sender.gateway(fixture, broker: broker, codes: [Self.code], disk: guardian)
        try fixture.ledger.checkpointAndTruncateWAL()
        return (fixture, guardian, harness)
    }

    @Test func aRevocationOnAFullDiskIsAppliedFromTheReserve() async throws {
        let broker = try Broker(persistent: true)
        defer { broker.stop() }
        let filesystem = try SmallFilesystem(megabytes: 24)
        defer { filesystem.unmount() }
        let sender = try DownlinkSender(port: broker.port)
        let (fixture, disk, harness) = try await self.start(broker: broker, filesystem: filesystem, sender: sender) { ledger in
            var configuration = DiskGuardConfiguration()
            configuration.reserveBytes = 2 << 20
            configuration.lowSpaceBytes = 0
            let disk = DiskGuard(ledger: ledger, configuration: configuration)
            disk.maintain()
            return disk
        }
        #expect(disk.status.reserveHeld)
        try filesystem.fill(leavingFree: 0)
        #expect(disk.status.reserveHeld, "nothing else has used the reserve yet: the downlink must")

        try await sender.publish(try sender.revocation(seq: 1, code: Self.code))
        try await waitUntil("a report") { !sender.received.isEmpty }
        await harness.stop()
        await sender.stop()
        let report = try #require(sender.received.first)
        #expect(report.outcome == .applied, "\(report.reason)")
        #expect(try fixture.ledger.record(codeID: Self.code)?.state == .revoked)
        #expect(try fixture.ledger.downlinkStream("revocations:S1")?.seq == 1)
        #expect(!disk.status.reserveHeld, "the full disk gave back the reserve for the downlink")
    }

    @Test func aDownlinkThatFindsTheDiskFullIsNotAcknowledgedAndIsAppliedOnceSpaceIsBack() async throws {
        let broker = try Broker(persistent: true)
        defer { broker.stop() }
        let filesystem = try SmallFilesystem(megabytes: 16)
        defer { filesystem.unmount() }
        let sender = try DownlinkSender(port: broker.port)
        let (fixture, _, harness) = try await self.start(broker: broker, filesystem: filesystem, sender: sender) { ledger in
            var noReserve = DiskGuardConfiguration()
            noReserve.reserveBytes = 0
            noReserve.lowSpaceBytes = 0
            return DiskGuard(ledger: ledger, configuration: noReserve)
        }
        let journalBefore = try fixture.ledger.journal().count
        try filesystem.fill(leavingFree: 0)

        try await sender.publish(try sender.revocation(seq: 1, code: Self.code))
        try await waitUntil("the apply failed, twice (the message came back after the first failure)") {
            harness.counters.value(.downlinkDeferred) >= 2
        }
        #expect(sender.received.isEmpty, "no report: nothing was done, and HQ must not take it as done")
        #expect(try fixture.ledger.record(codeID: Self.code)?.state == .issued)
        #expect(try fixture.ledger.downlinkStream("revocations:S1") == nil, "the stream did not advance")
        #expect(try fixture.ledger.lastDownlinkSync() == nil, "a failed message is no sync")
        #expect(harness.link.status?.lastError?.contains("not applied, to be delivered again") == true,
                "the status says why: \(String(describing: harness.link.status?.lastError))")

        try filesystem.removeFiller()
        try await waitUntil("the broker delivered it again and it was applied", seconds: 30) { !sender.received.isEmpty }
        try await Task.sleep(for: .milliseconds(500))
        await harness.stop()
        await sender.stop()
        #expect(sender.received.map(\.outcome) == [.applied], "applied once, reported once")
        #expect(harness.link.status?.lastError?.contains("not applied") != true, "cleared once it was applied")
        #expect(try fixture.ledger.record(codeID: Self.code)?.state == .revoked)
        #expect(try fixture.ledger.downlinkStream("revocations:S1")?.seq == 1)
        let downlinkEvents = try fixture.ledger.journal(limit: 1_000).filter { $0.operation == .downlink }
        #expect(downlinkEvents.count == 1, "journaled once")
        #expect(try fixture.ledger.journal(limit: 1_000).count == journalBefore + 1)
    }
}

/// The same for a ledger another connection holds locked (`SQLITE_BUSY` after the busy timeout): not
/// acknowledged, delivered again, applied once the lock is gone.
@Suite(.serialized)
struct DownlinkBusyLedgerTests {
    @Test func aDownlinkThatFindsTheLedgerLockedIsNotAcknowledgedAndIsAppliedOnceItIsFree() async throws {
        let broker = try Broker(persistent: true)
        defer { broker.stop() }
        let fixture = try LedgerFixture()
        defer { fixture.directory.remove() }
        let sender = try DownlinkSender(port: broker.port)
        let harness = try await sender.gateway(fixture, broker: broker, codes: [DownlinkDiskTests.code])

        let lock = try LedgerWriteLock(path: fixture.ledger.path)
        try await sender.publish(try sender.revocation(seq: 1, code: DownlinkDiskTests.code))
        try await waitUntil("the apply found the ledger busy", seconds: 30) { harness.counters.value(.downlinkDeferred) >= 1 }
        #expect(sender.received.isEmpty)
        try lock.release()
        #expect(try fixture.ledger.record(codeID: DownlinkDiskTests.code)?.state == .issued, "nothing was written meanwhile")

        try await waitUntil("delivered again and applied", seconds: 30) { !sender.received.isEmpty }
        try await Task.sleep(for: .milliseconds(300))
        await harness.stop()
        await sender.stop()
        #expect(sender.received.map(\.outcome) == [.applied])
        #expect(try fixture.ledger.record(codeID: DownlinkDiskTests.code)?.state == .revoked)
        #expect(try fixture.ledger.journal(limit: 100).filter { $0.operation == .downlink }.count == 1)
    }
}
