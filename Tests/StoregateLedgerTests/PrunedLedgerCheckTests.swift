import GRDB
import StoregateCore
import StoregateLedger
import StoregateTesting
import Testing

/// `ledger check` on a ledger whose delivered outbox rows were pruned (every store box after a week): the pruned
/// rows are expected, and what still must hold is checked as before — the hash chain, gap-free sequence numbers,
/// an outbox row for every event not delivered, outbox payloads equal to the journal's canonical events.
struct PrunedLedgerCheckTests {
    /// Six redemptions, the first four delivered and pruned by the daemon's own upkeep (`DiskGuard`,
    /// with a retention of zero), the last two still waiting for the broker.
    func prunedLedger() throws -> LedgerFixture {
        let fixture = try LedgerFixture()
        let units = (0..<6).map { ParsedCode.unit(serial: "P\($0)") }
        try fixture.register(ids: units.map { $0.id! })
        for unit in units { try fixture.apply(.redeem, unit) }
        try fixture.ledger.markDelivered(seqs: [1, 2, 3, 4], at: Timestamp(milliseconds: 1_000))
        var configuration = DiskGuardConfiguration()
        configuration.keepDeliveredMilliseconds = 0
        configuration.reserveBytes = 0
        configuration.lowSpaceBytes = 0
        DiskGuard(ledger: fixture.ledger, configuration: configuration).maintain()
        #expect(try fixture.ledger.outboxEntries(fromSeq: 1, limit: 10, undeliveredOnly: false).map(\.seq) == [5, 6],
                "the upkeep pruned the delivered rows")
        return fixture
    }

    func tamper(_ fixture: LedgerFixture, _ sql: String) throws {
        let queue = try DatabaseQueue(path: fixture.path)
        try queue.writeWithoutTransaction { try $0.execute(sql: sql) }
        try queue.close()
    }

    @Test func aPrunedLedgerChecksClean() throws {
        let fixture = try self.prunedLedger()
        defer { fixture.remove() }
        let report = try fixture.ledger.check()
        #expect(report.isOK, "\(report.problems)")
        #expect(report.eventsChecked == 6)
    }

    @Test func aRequeuedPrunedEventIsCheckedAgainstTheJournalLikeAnyOther() throws {
        let fixture = try self.prunedLedger()
        defer { fixture.remove() }
        #expect(try fixture.ledger.requeueOutbox(seqs: 2...3) == 2)
        #expect(try fixture.ledger.check().isOK)
        // Requeued, the event is undelivered again: losing its row now is a fault, not pruning.
        try self.tamper(fixture, "DELETE FROM outbox WHERE seq = 3")
        let report = try fixture.ledger.check()
        #expect(report.firstBrokenSeq == 3, "\(report.problems)")
    }

    @Test func anUndeliveredEventWithoutItsOutboxRowIsStillFound() throws {
        let fixture = try self.prunedLedger()
        defer { fixture.remove() }
        try self.tamper(fixture, "DELETE FROM outbox WHERE seq = 5")
        let report = try fixture.ledger.check()
        #expect(!report.isOK)
        #expect(report.firstBrokenSeq == 5)
        #expect(report.problems.contains { $0.contains("event 5") && $0.contains("no outbox row") }, "\(report.problems)")
    }

    @Test func anOutboxPayloadThatDiffersFromItsEventIsStillFound() throws {
        let fixture = try self.prunedLedger()
        defer { fixture.remove() }
        try self.tamper(fixture, "UPDATE outbox SET payload = replace(payload, '\"redeem\"', '\"verify\"') WHERE seq = 6")
        let report = try fixture.ledger.check()
        #expect(report.firstBrokenSeq == 6, "\(report.problems)")
        #expect(report.problems.contains { $0.contains("outbox payload differs") }, "\(report.problems)")
    }

    @Test func aChangedOrMissingEventAmongThePrunedOnesIsStillFound() throws {
        let fixture = try self.prunedLedger()
        defer { fixture.remove() }
        try self.tamper(fixture, "DROP TRIGGER journal_no_update")
        try self.tamper(fixture, "UPDATE journal SET lane = 'lane-x' WHERE seq = 2")
        #expect(try fixture.ledger.check().firstBrokenSeq == 2)

        try self.tamper(fixture, "DROP TRIGGER journal_no_delete")
        try self.tamper(fixture, "DELETE FROM journal WHERE seq = 2")
        let report = try fixture.ledger.check()
        #expect(report.firstBrokenSeq == 2, "\(report.problems)")
        #expect(report.problems.contains { $0.contains("missing") }, "\(report.problems)")
    }
}
