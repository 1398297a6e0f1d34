import GRDB
import StoregateCore
import StoregateLedger
import StoregateTesting
import Testing

/// A backlog over the configured limit sheds telemetry (verify events), never money: what the status reports and
/// what the uplink sends afterwards.
@Suite struct OutboxSheddingTests {
    /// 12 verifies and 4 redemptions pending, at most 6 kept: the 10 oldest verifies are shed (16 − 6), every
    /// redemption stays pending, and the status counts both right.
    @Test func onlyTheOldestVerifiesBeyondTheLimitAreShed() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let verified = (1...12).map { ParsedCode.unit(serial: "V\($0)") }
        let redeemed = (1...4).map { ParsedCode.unit(serial: "R\($0)") }
        try fixture.register(ids: (verified + redeemed).map { $0.id! })
        for (index, code) in verified.enumerated() {
            try fixture.apply(.verify, code)
            if index % 3 == 0 { try fixture.apply(.redeem, redeemed[index / 3]) }
        }
        let journal = try fixture.ledger.pendingOutbox(fromSeq: 1, limit: 100)
        let redemptionSeqs = journal.filter { $0.operation == "redeem" }.map(\.seq)
        let verifySeqs = journal.filter { $0.operation == "verify" }.map(\.seq)
        #expect(redemptionSeqs.count == 4 && verifySeqs.count == 12)

        #expect(try fixture.ledger.shedTelemetry(keepingAtMost: 6, at: .testNow) == 10)
        let summary = try fixture.ledger.outboxSummary()
        #expect(summary.shed == 10)
        #expect(summary.undelivered == 6)
        #expect(summary.headSeq == 16)
        let pending = try fixture.ledger.pendingOutbox(fromSeq: 1, limit: 100).map(\.seq)
        #expect(pending == (redemptionSeqs + verifySeqs.suffix(2)).sorted())
        #expect(try fixture.ledger.shedTelemetry(keepingAtMost: 6, at: .testNow) == 0, "already within the limit")

        // Nothing left to shed but redemptions: they stay, over the limit or not.
        #expect(try fixture.ledger.shedTelemetry(keepingAtMost: 1, at: .testNow) == 2)
        #expect(try fixture.ledger.pendingOutbox(fromSeq: 1, limit: 100).map(\.seq) == redemptionSeqs)

        // Requeued, shed events are pending again and no longer counted as shed.
        #expect(try fixture.ledger.requeueOutbox(seqs: 1...16) == 12)
        #expect(try fixture.ledger.outboxSummary().shed == 0)
        #expect(try fixture.ledger.outboxSummary().undelivered == 16)
    }

    /// Shed rows are never delivered, so pruning by delivery time alone kept them for good: they go after the same
    /// retention as delivered rows, pending rows never, and a requeue rebuilds them from the journal.
    @Test func shedRowsArePrunedLikeDeliveredOnesAndComeBackOnRequeue() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let codes = (1...6).map { ParsedCode.unit(serial: "S\($0)") }
        try fixture.register(ids: codes.map { $0.id! })
        for code in codes { try fixture.apply(.verify, code) }
        let shedAt = Timestamp(milliseconds: 1_000)
        #expect(try fixture.ledger.shedTelemetry(keepingAtMost: 2, at: shedAt) == 4)
        try fixture.ledger.markDelivered(seqs: [5], at: Timestamp(milliseconds: 5_000))

        #expect(try fixture.ledger.pruneSettledOutbox(settledBefore: Timestamp(milliseconds: 1_000)) == 0, "not older yet")
        #expect(try fixture.ledger.pruneSettledOutbox(settledBefore: Timestamp(milliseconds: 2_000)) == 4, "the shed rows")
        #expect(try fixture.ledger.outboxSummary().shed == 0)
        #expect(try fixture.ledger.pendingOutbox(fromSeq: 1, limit: 10).map(\.seq) == [6])
        #expect(try fixture.ledger.pruneSettledOutbox(settledBefore: Timestamp(milliseconds: .max)) == 1, "the delivered one")
        #expect(try fixture.ledger.pendingOutbox(fromSeq: 1, limit: 10).map(\.seq) == [6], "pending rows stay")

        #expect(try fixture.ledger.requeueOutbox(seqs: 1...4) == 4)
        #expect(try fixture.ledger.pendingOutbox(fromSeq: 1, limit: 10).map(\.seq) == [1, 2, 3, 4, 6])
    }

    /// The status counts shed events through their own index: counting them used to read every outbox row,
    /// delivered ones included, on each status (tens of milliseconds on the MQTT loop thread per 100k rows).
    @Test func theShedCountReadsAnIndexNotTheWholeOutbox() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let queue = try DatabaseQueue(path: fixture.path)
        let plan = try queue.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT count(*) FROM outbox WHERE shed_ms IS NOT NULL")
                .map { $0["detail"] as String? ?? "" }
        }
        #expect(plan.contains { $0.contains("outbox_shed") }, "\(plan)")
    }
}
