import Foundation
import StoregateCore
import StoregateLedger
import StoregateTesting
import Synchronization
import Testing
import StoregateFoundation

/// A ledger on a real 32 MiB filesystem that the test fills: telemetry goes first, redemptions keep committing
/// from the reserve when the disk is full, nothing is doubled, and the reserve comes back once space does.
@Suite(.serialized)
struct DiskGuardTests {
    static let megabyte: Int64 = 1 << 20

    /// A ledger on `filesystem` (store S1, region EU-DE) with `units` registered.
    static func ledger(on filesystem: SmallFilesystem, registering units: [ParsedCode]) throws -> Ledger {
        let fixture = try LedgerFixture(in: filesystem.directory)
        let report = try fixture.register(csv: "code\n" + units.map { $0.id! }.joined(separator: "\n") + "\n")
        #expect(report.imported == units.count)
        return fixture.ledger
    }

    @Test func aFullDiskShedsVerifiesAndStillCommitsEveryRedemption() throws {
        let filesystem = try SmallFilesystem(megabytes: 32)
        defer { filesystem.unmount() }
        let units = (0..<400).map { ParsedCode.unit(serial: "CAP\($0)") }
        let ledger = try Self.ledger(on: filesystem, registering: units)

        var configuration = DiskGuardConfiguration()
        // The reserve must cover the WAL's growth to its checkpoint size (1,000 pages, ~4 MiB) plus what the
        // checkpoint adds to the database file: with 4 MiB, ~350 redemptions fit on a fresh ledger.
        configuration.reserveBytes = 8 * Self.megabyte
        configuration.lowSpaceBytes = 8 * Self.megabyte
        let reports = Mutex<[String]>([])
        let guarded = DiskGuard(ledger: ledger, configuration: configuration) { line in reports.withLock { $0.append(line) } }
        guarded.maintain()
        #expect(guarded.status.reserveHeld)
        #expect(FileManager.default.fileExists(atPath: ledger.path + ".reserve"))

        func apply(_ operation: StoregateCore.Operation, _ code: ParsedCode) throws -> GuardedOutcome {
            try guarded.apply(OperationRequest(operation: operation, code: code, signature: .absent, context: .test()))
        }
        func journalLength() throws -> Int64 { try ledger.stats().journalLength }

        // Plenty of space: everything is journaled.
        #expect(try apply(.redeem, units[0]).decision.result == .accepted)
        guard case .recorded = try apply(.verify, units[1]) else { Issue.record("a verify with space left was not journaled"); return }
        #expect(try journalLength() == 2)

        // Low space: a verify is answered (the cashier still learns the cap was redeemed) but not journaled.
        try filesystem.fill(leavingFree: 2 * Self.megabyte)
        let verify = try apply(.verify, units[0])
        #expect(verify == .notJournaled(verify.decision))
        #expect(verify.decision.result == .alreadyRedeemed)
        #expect(try journalLength() == 2)
        #expect(guarded.status.lowSpace)
        #expect(guarded.status.verifiesNotJournaled == 1)

        // Full to the last block: every redemption still commits, from the reserve, exactly once.
        try filesystem.fill(leavingFree: 0)
        #expect(filesystem.freeBytes < 64 * 1024)
        for unit in units[1...] {
            let outcome = try apply(.redeem, unit)
            #expect(outcome.decision.result == .accepted, "\(unit.id!)")
        }
        let status = guarded.status
        #expect(!status.reserveHeld, "a full disk released the reserve")
        #expect(status.reserveReleasedMs != nil)
        #expect(try journalLength() == Int64(2 + units.count - 1), "every redemption journaled once")
        #expect(try ledger.check().isOK)
        #expect(try units.allSatisfy { try ledger.record(codeID: $0.id!)?.state == .redeemed })
        #expect(reports.withLock { $0.contains { $0.contains("released the 8 MiB reserve") } })

        // Space freed by an operator: the reserve is taken again, verifies are journaled again.
        try filesystem.removeFiller()
        guarded.maintain()
        #expect(guarded.status.reserveHeld)
        #expect(guarded.status.reserveReleasedMs == nil)
        #expect(!guarded.status.lowSpace)
        guard case .recorded = try apply(.verify, units[2]) else { Issue.record("verify not journaled after space came back"); return }
    }

    @Test func aReserveThatDoesNotFitIsReportedAndNothingIsLeftBehind() throws {
        let filesystem = try SmallFilesystem(megabytes: 8)
        defer { filesystem.unmount() }
        let reserve = DiskReserve(ledgerPath: filesystem.file("ledger.sqlite"), bytes: 16 * Self.megabyte)
        #expect(throws: DiskReserveError.self) { try reserve.hold() }
        #expect(!reserve.isHeld)
        #expect(!FileManager.default.fileExists(atPath: reserve.path), "no half-sized reserve pretends to be one")
        let fits = DiskReserve(ledgerPath: filesystem.file("ledger.sqlite"), bytes: 2 * Self.megabyte)
        try fits.hold()
        #expect(fits.isHeld)
        #expect(fits.release() >= 2 * Self.megabyte)
        #expect(!fits.isHeld)
    }

    @Test func prunedDeliveredRowsComeBackFromTheJournalByteForByte() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let units = (0..<6).map { ParsedCode.unit(serial: "P\($0)") }
        try fixture.register(ids: units.map { $0.id! })
        for unit in units { try fixture.apply(.redeem, unit) }
        let before = try fixture.ledger.outboxEntries(fromSeq: 1, limit: 10, undeliveredOnly: false).map(\.payload)
        try fixture.ledger.markDelivered(seqs: [1, 2, 3, 4], at: Timestamp(milliseconds: 1_000))

        #expect(try fixture.ledger.pruneSettledOutbox(settledBefore: Timestamp(milliseconds: 2_000)) == 4)
        #expect(try fixture.ledger.outboxEntries(fromSeq: 1, limit: 10, undeliveredOnly: false).map(\.seq) == [5, 6], "undelivered rows stay")
        #expect(try fixture.ledger.stats().journalLength == 6, "the journal keeps every event")

        #expect(try fixture.ledger.restorePrunedOutbox(seqs: 2...3) == 2)
        let restored = try fixture.ledger.outboxEntries(fromSeq: 1, limit: 10, undeliveredOnly: true)
        #expect(restored.map(\.seq) == [2, 3, 5, 6])
        #expect(restored.map(\.payload) == [before[1], before[2], before[4], before[5]])
        #expect(try fixture.ledger.restorePrunedOutbox(seqs: 1...6) == 2, "only the rows still missing")
    }

    @Test func oldIdempotencyKeysArePrunedAndTheCodeStateStillStopsADoubleRedemption() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let unit = ParsedCode.unit(serial: "K1")
        try fixture.register(ids: [unit.id!])
        let first = try fixture.apply(.redeem, unit, context: .test(time: .testNow), key: "pos-42")
        #expect(first.result == .accepted)
        #expect(try fixture.apply(.redeem, unit, context: .test(time: .testNow), key: "pos-42").replayed)

        #expect(try fixture.ledger.pruneIdempotencyKeys(createdBefore: .testNow) == 0, "a key is kept until it is old")
        #expect(try fixture.ledger.pruneIdempotencyKeys(createdBefore: .testNow.adding(minutes: 1)) == 1)
        let again = try fixture.apply(.redeem, unit, context: .test(time: .testNow.adding(minutes: 2)), key: "pos-42")
        #expect(!again.replayed)
        #expect(again.result == .alreadyRedeemed, "no second redemption without the key either")
    }

    @Test func whenTheReserveIsUsedUpARedemptionFailsCleanlyAndTheNextOneWorksOnceSpaceIsBack() throws {
        let filesystem = try SmallFilesystem(megabytes: 16)
        defer { filesystem.unmount() }
        let units = (0..<600).map { ParsedCode.unit(serial: "R\($0)") }
        let ledger = try Self.ledger(on: filesystem, registering: units)
        var configuration = DiskGuardConfiguration()
        configuration.reserveBytes = 1 * Self.megabyte
        configuration.lowSpaceBytes = 1 * Self.megabyte
        let guarded = DiskGuard(ledger: ledger, configuration: configuration)
        guarded.maintain()
        #expect(guarded.status.reserveHeld)
        try filesystem.fill(leavingFree: 0)

        // Redeem until even the reserve is gone: the failing redemption writes nothing at all.
        var accepted = 0
        var failure: (any Error)?
        for unit in units {
            do {
                let outcome = try guarded.apply(OperationRequest(operation: .redeem, code: unit, signature: .absent, context: .test()))
                #expect(outcome.decision.result == .accepted)
                accepted += 1
            } catch {
                failure = error
                break
            }
        }
        #expect(failure != nil, "1 MiB of reserve cannot hold 600 redemptions")
        #expect(accepted > 0, "the reserve bought some redemptions")
        #expect(try ledger.stats().journalLength == Int64(accepted), "the failed one left no event")
        #expect(try ledger.record(codeID: units[accepted].id!)?.state == .issued, "nor a state change")
        #expect(try ledger.check().isOK)

        // An operator frees space: the same code redeems, once, without restarting anything.
        try filesystem.removeFiller()
        let retry = try guarded.apply(OperationRequest(operation: .redeem, code: units[accepted], signature: .absent, context: .test()))
        #expect(retry.decision.result == .accepted)
        #expect(try ledger.stats().journalLength == Int64(accepted + 1))
        #expect(try ledger.check().isOK)
    }
}
