import GRDB
import StoregateCore
import StoregateLedger
import StoregateTesting
import StoregateTrust
import Testing

@Suite struct LedgerOperationTests {
    let unit = ParsedCode.unit(serial: "CAP1")

    @Test func redeemIsRecordedAndASecondRedeemIsAlreadyRedeemedWithLane() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        try fixture.register(ids: [self.unit.id!])
        let first = try fixture.apply(.redeem, self.unit, context: .test(lane: "3"))
        #expect(first.result == .accepted)
        #expect(first.seq == 1)
        #expect(try fixture.ledger.record(codeID: self.unit.id!)?.state == .redeemed)
        let second = try fixture.apply(.redeem, self.unit, context: .test(lane: "4", time: .testNow.adding(minutes: 5)))
        #expect(second.result == .alreadyRedeemed)
        #expect(second.reason.contains("lane 3"))
        #expect(second.decision.details.earlier?.seq == 1)
        #expect(second.seq == 2)
    }

    @Test func everyOperationWalksTheStatesAndRejectionsAreJournaledToo() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        try fixture.register(ids: [self.unit.id!])
        #expect(try fixture.apply(.verify, self.unit).result == .accepted)
        #expect(try fixture.apply(.receive, self.unit).result == .accepted)
        #expect(try fixture.apply(.receive, self.unit).result == .alreadyReceived)
        #expect(try fixture.apply(.sell, self.unit).result == .accepted)
        #expect(try fixture.apply(.sell, self.unit).result == .alreadySold)
        #expect(try fixture.apply(.redeem, self.unit).result == .accepted)
        #expect(try fixture.apply(.verify, self.unit).result == .alreadyRedeemed)
        #expect(try fixture.apply(.redeem, .unit(serial: "NOPE")).result == .unknownCode)
        #expect(try fixture.apply(.redeem, .malformed()).result == .malformed)
        #expect(try fixture.apply(.sell, .product()).result == .accepted)
        #expect(try fixture.apply(.redeem, .product()).result == .notRedeemable)
        let stats = try fixture.ledger.stats()
        #expect(stats.journalLength == 11)
        #expect(stats.outboxUndelivered == 11)
        #expect(stats.codesByState[.redeemed] == 1)
        #expect(stats.productSales == 1)
        #expect(stats.synchronous == 2)
        let history = try fixture.ledger.history(codeID: self.unit.id!)
        #expect(history.events.map(\.operation) == [.verify, .receive, .receive, .sell, .sell, .redeem, .verify])
        #expect(try fixture.ledger.check().isOK)
    }

    @Test func revokedCodeBlocksEverythingAndVerifySaysWhy() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        try fixture.register(ids: [self.unit.id!])
        try fixture.ledger.revoke(codeID: self.unit.id!, reason: "stolen shipment")
        for operation in [Operation.receive, .sell, .redeem, .void, .verify] {
            let outcome = try fixture.apply(operation, self.unit)
            #expect(outcome.result == .revoked)
            #expect(outcome.reason.contains("stolen shipment"))
        }
    }

    @Test func expiryRegionAndCampaignRulesApplyThroughTheLedger() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        try fixture.register(csv: """
            code,expiry,regions,campaign
            01/09506000134352/21/OLD,2026-02-01,,
            01/09506000134352/21/FR,,EU-FR;S7,
            01/09506000134352/21/SUMMER,,,summer
            """)
        #expect(try fixture.apply(.sell, .unit(serial: "OLD")).result == .expired)
        #expect(try fixture.apply(.sell, .unit(serial: "FR")).result == .wrongRegion)
        #expect(try fixture.apply(.redeem, .unit(serial: "SUMMER")).result == .campaignInactive)
        try fixture.ledger.setCampaign(CampaignPolicy(name: "summer", starts: .testNow.adding(days: -1), ends: .testNow.adding(days: 1)))
        #expect(try fixture.apply(.redeem, .unit(serial: "SUMMER")).result == .accepted)
    }

    @Test func receivingACaseReceivesItsUnitsAndVoidPutsThemBack() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let sscc = GTIN.sscc(77)
        try fixture.register(csv: """
            code,parent
            00/\(sscc),
            01/09506000134352/21/U1,00/\(sscc)
            01/09506000134352/21/U2,00/\(sscc)
            01/09506000134352/21/U3,00/\(sscc)
            """)
        try fixture.apply(.sell, .unit(serial: "U3"))  // already sold before the case was scanned: stays sold
        let received = try fixture.apply(.receive, .logisticUnit(sscc: sscc))
        #expect(received.result == .accepted)
        #expect(received.unpackedUnits == 2)
        #expect(try fixture.ledger.record(codeID: "01/09506000134352/21/U1")?.state == .received)
        #expect(try fixture.ledger.record(codeID: "01/09506000134352/21/U3")?.state == .sold)
        #expect(try fixture.apply(.redeem, .logisticUnit(sscc: sscc)).result == .notRedeemable)
        #expect(try fixture.apply(.void, .logisticUnit(sscc: sscc)).result == .accepted)
        #expect(try fixture.ledger.record(codeID: "00/\(sscc)")?.state == .issued)
        #expect(try fixture.ledger.record(codeID: "01/09506000134352/21/U2")?.state == .issued)
        #expect(try fixture.ledger.record(codeID: "01/09506000134352/21/U3")?.state == .sold)
    }

    @Test func receivingAnyParentCodeUnpacksWhatItHolds() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        try fixture.register(csv: """
            code,parent
            brand:acme:CASE1,
            brand:acme:BOTTLE1,brand:acme:CASE1
            """)
        let outcome = try fixture.apply(.receive, .brand(token: "CASE1"))
        #expect(outcome.result == .accepted)
        #expect(outcome.unpackedUnits == 1)
        #expect(try fixture.ledger.record(codeID: "brand:acme:BOTTLE1")?.state == .received)
    }

    @Test func voidFollowsTheWindowAndSameLaneOrOperatorRule() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        try fixture.register(ids: [self.unit.id!])
        #expect(try fixture.apply(.void, self.unit).result == .nothingToUndo)
        try fixture.apply(.sell, self.unit, context: .test(lane: "1", operator: "alice"))
        try fixture.apply(.redeem, self.unit, context: .test(lane: "1", operator: "alice"))
        let stranger = try fixture.apply(.void, self.unit, context: .test(lane: "2", operator: "bob"))
        #expect(stranger.result == .notAllowedForLane)
        let late = try fixture.apply(.void, self.unit, context: .test(lane: "1", time: .testNow.adding(days: 11)))
        #expect(late.result == .undoWindowPassed)
        let undone = try fixture.apply(.void, self.unit, context: .test(lane: "1", time: .testNow.adding(days: 2)))
        #expect(undone.result == .accepted)
        #expect(try fixture.ledger.record(codeID: self.unit.id!)?.state == .sold)
        #expect(try fixture.apply(.void, self.unit).result == .nothingToUndo)
        // Redeemable again after the void.
        #expect(try fixture.apply(.redeem, self.unit).result == .accepted)
    }

    @Test func signedUnknownCodeIsProvisionalOnlyWhenPolicyAllowsAndTamperingIsBadSignature() throws {
        let key = CodeSigningKey.generate(keyID: "hq1")
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        try fixture.ledger.addTrustedKey(keyID: "hq1", publicKey: key.publicKeyText, at: .testNow)
        let keys = try fixture.ledger.trustedKeys()
        let signed = ParsedCode.unit(serial: "OFFLINE1").signed(key.sign(id: "01/09506000134352/21/OFFLINE1"))
        #expect(keys.check(signed) == .valid(keyID: "hq1"))
        #expect(try fixture.apply(.redeem, signed, signature: keys.check(signed)).result == .unknownCode)

        try fixture.ledger.updatePolicy { $0.allowProvisional = true }
        let outcome = try fixture.apply(.redeem, signed, signature: keys.check(signed))
        #expect(outcome.result == .accepted)
        #expect(outcome.provisional)
        let record = try fixture.ledger.record(codeID: signed.id!)
        #expect(record?.provisional == true)
        #expect(record?.state == .redeemed)
        #expect(try fixture.apply(.redeem, signed, signature: keys.check(signed)).result == .alreadyRedeemed)
        #expect(try fixture.ledger.confirmProvisional(codeID: signed.id!))
        #expect(try fixture.ledger.record(codeID: signed.id!)?.provisional == false)
        #expect(try fixture.ledger.stats().provisionalCodes == 0)

        // A copied signature on another serial is a forgery.
        let forged = ParsedCode.unit(serial: "OFFLINE2").signed(signed.signature!)
        #expect(try fixture.apply(.redeem, forged, signature: keys.check(forged)).result == .badSignature)
        #expect(try fixture.ledger.record(codeID: forged.id!) == nil)
    }

    @Test func laneRoleIsEnforcedThroughTheLedger() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        try fixture.register(ids: [self.unit.id!])
        let outcome = try fixture.apply(.redeem, self.unit, context: .test(role: .receiving))
        #expect(outcome.result == .notAllowedForLane)
        #expect(try fixture.ledger.record(codeID: self.unit.id!)?.state == .issued)
    }

    @Test func operationsBeforeInitAreRefusedWithAClearError() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(throws: LedgerError.self) { try Ledger(path: directory.file("missing.sqlite")) }
        let ledger = try Ledger(path: directory.file("l.sqlite"), configuration: LedgerConfiguration(createIfMissing: true))
        let error = #expect(throws: LedgerError.self) {
            try ledger.apply(OperationRequest(operation: .verify, code: self.unit, context: .test()))
        }
        #expect(error?.code == .notInitialised)
    }

    /// `ledger show` reads a code's events through the journal's code index (migration v3), already in seq order.
    @Test func aCodesHistoryIsReadThroughTheJournalIndex() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        try fixture.register(ids: [self.unit.id!, "01/09506000134352/21/OTHER"])
        try fixture.apply(.sell, self.unit)
        try fixture.apply(.verify, .unit(serial: "OTHER"))
        try fixture.apply(.redeem, .malformed())
        try fixture.apply(.redeem, self.unit)
        #expect(try fixture.ledger.history(codeID: self.unit.id!).events.map(\.seq) == [1, 4])
        let queue = try DatabaseQueue(path: fixture.path)
        let plan = try queue.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT seq FROM journal WHERE code_id = ? ORDER BY seq",
                             arguments: [self.unit.id!]).map { $0["detail"] as String? ?? "" }
        }
        #expect(plan.contains { $0.contains("journal_by_code") }, "\(plan)")
        #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
    }
}
