import StoregateCore
import StoregateLedger
import StoregateTesting
import Testing

/// The sync limit through the real ledger: HQ's policy and last sync come from downlink, refusals are journaled
/// and change nothing, and a fresh sync lifts the refusal.
@Suite struct LedgerSyncLimitTests {
    let cap = ParsedCode.unit(serial: "CAP1")
    let bottle = ParsedCode.unit(serial: "BOTTLE1")

    @Test func redemptionIsRefusedPastTheLimitUntilHQSyncsAgainWhileSalesGoOn() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        try fixture.register(ids: [self.cap.id!, self.bottle.id!])
        let limit: Int64 = 72 * 3_600_000
        let syncedAt = Timestamp.testNow.adding(days: -4)
        try fixture.ledger.applyDownlink(
            stream: "policy:S1", seq: 1, payloadHash: "h1",
            change: .policy(DownlinkChange.Policy(maxTimeWithoutSyncMilliseconds: limit)), at: syncedAt)

        let refused = try fixture.apply(.redeem, self.cap)
        #expect(refused.result == .syncOverdue)
        #expect(try fixture.ledger.record(codeID: self.cap.id!)?.state == .issued)
        #expect(try fixture.apply(.sell, self.bottle).result == .accepted)
        #expect(try fixture.apply(.verify, self.cap).result == .accepted)
        let journal = try fixture.ledger.journal(fromSeq: 1, limit: 10)
        #expect(journal.first(where: { $0.operation == .redeem })?.result == .syncOverdue)

        try fixture.ledger.applyDownlink(stream: "sync:S1", seq: 1, payloadHash: "h2", change: .none, at: .testNow.adding(minutes: -1))
        #expect(try fixture.apply(.redeem, self.cap).result == .accepted)
        #expect(try fixture.ledger.record(codeID: self.cap.id!)?.state == .redeemed)
        #expect(try fixture.ledger.check().isOK)
    }
}
