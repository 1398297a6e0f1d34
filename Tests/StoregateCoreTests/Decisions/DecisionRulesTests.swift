import StoregateCore
import StoregateTesting
import Testing

/// The decision table, without a database: every operation against every state and rule.
@Suite struct DecisionRulesTests {
    let policy = StorePolicy(storeID: "S1", region: "EU-DE")
    let code = ParsedCode.unit(serial: "A1")

    func record(_ state: CodeState, last: LastChange? = nil) -> CodeRecord {
        CodeRecord(id: self.code.id!, state: state, lastChange: last)
    }

    @Test func eachRoleAllowsExactlyItsOperations() {
        #expect(LaneRole.receiving.allowedOperations == [.verify, .receive, .void])
        #expect(LaneRole.checkout.allowedOperations == [.verify, .sell, .redeem, .void])
        #expect(LaneRole.redemption.allowedOperations == [.verify, .redeem, .void])
        #expect(LaneRole.service.allowedOperations == Set(Operation.allCases))
    }

    func decide(
        _ operation: Operation,
        _ record: CodeRecord?,
        code: ParsedCode? = nil,
        signature: SignatureCheck = .absent,
        policy: StorePolicy? = nil,
        context: DecisionContext = .test()
    ) -> Decision {
        DecisionRules.decide(record: record, code: code ?? self.code, signature: signature, policy: policy ?? self.policy,
                             operation: operation, context: context)
    }

    static let transitions: [(Operation, CodeState, ResultCode, CodeState?)] = [
        (.receive, .issued, .accepted, .received),
        (.receive, .received, .alreadyReceived, nil),
        (.receive, .sold, .alreadySold, nil),
        (.receive, .redeemed, .alreadyRedeemed, nil),
        (.receive, .revoked, .revoked, nil),
        (.sell, .issued, .accepted, .sold),
        (.sell, .received, .accepted, .sold),
        (.sell, .sold, .alreadySold, nil),
        (.sell, .redeemed, .alreadyRedeemed, nil),
        (.sell, .revoked, .revoked, nil),
        (.redeem, .issued, .accepted, .redeemed),
        (.redeem, .received, .accepted, .redeemed),
        (.redeem, .sold, .accepted, .redeemed),
        (.redeem, .redeemed, .alreadyRedeemed, nil),
        (.redeem, .revoked, .revoked, nil),
        (.verify, .issued, .accepted, nil),
        (.verify, .sold, .accepted, nil),
        (.verify, .redeemed, .alreadyRedeemed, nil),
        (.verify, .revoked, .revoked, nil),
        (.void, .issued, .nothingToUndo, nil),
        (.void, .revoked, .revoked, nil),
    ]

    @Test(arguments: Self.transitions)
    func operationOnStateGivesResult(operation: Operation, state: CodeState, expected: ResultCode, newState: CodeState?) {
        let decision = self.decide(operation, self.record(state))
        #expect(decision.result == expected, "\(operation) on \(state): \(decision.reason)")
        #expect(decision.newState == newState)
        if expected != .accepted { #expect(decision.effect == .none) }
    }

    @Test func alreadyRedeemedSaysWhenAndWhichLane() {
        let last = LastChange(operation: .redeem, previousState: .sold, lane: "7", operator: "bob", time: .testNow, seq: 42)
        let decision = self.decide(.redeem, self.record(.redeemed, last: last), context: .test(time: .testNow.adding(days: 1)))
        #expect(decision.result == .alreadyRedeemed)
        #expect(decision.reason.contains("lane 7"))
        #expect(decision.reason.contains("2026-03-01 12:00 UTC"))
        #expect(decision.details.earlier == last)
    }

    @Test func revokedSaysWhy() {
        var record = self.record(.revoked)
        record.revokedReason = "counterfeit batch"
        let decision = self.decide(.verify, record)
        #expect(decision.result == .revoked)
        #expect(decision.reason.contains("counterfeit batch"))
    }

    @Test func malformedScanNamesTheProblem() {
        let decision = self.decide(.redeem, nil, code: .malformed("AI 01: GTIN check digit is wrong"))
        #expect(decision.result == .malformed)
        #expect(decision.reason.contains("GTIN check digit"))
        #expect(decision.details.parseErrors.count == 1)
    }

    @Test func forgedSignatureIsBadSignatureEvenForARegisteredCode() {
        let decision = self.decide(.redeem, self.record(.sold), signature: .invalid(reason: "signature does not match"))
        #expect(decision.result == .badSignature)
    }

    @Test func unregisteredUnsignedCodeIsUnknown() {
        #expect(self.decide(.redeem, nil).result == .unknownCode)
        #expect(self.decide(.verify, nil).result == .unknownCode)
        #expect(self.decide(.void, nil).result == .unknownCode)
    }

    @Test func unregisteredSignedCodeIsUnknownWhenPolicyForbidsProvisional() {
        let decision = self.decide(.redeem, nil, signature: .valid(keyID: "k1"))
        #expect(decision.result == .unknownCode)
        #expect(decision.reason.contains("provisionally"))
    }

    @Test(arguments: [(Operation.receive, CodeState.received), (.sell, .sold), (.redeem, .redeemed)])
    func unregisteredSignedCodeIsAcceptedProvisionallyWhenAllowed(operation: Operation, state: CodeState) {
        var policy = self.policy
        policy.allowProvisional = true
        let decision = self.decide(operation, nil, signature: .valid(keyID: "k1"), policy: policy)
        #expect(decision.result == .accepted)
        #expect(decision.provisional)
        #expect(decision.effect == .createProvisional(state))
    }

    @Test func expiredBeforeTodayIsRejected() {
        var record = self.record(.received)
        record.expiry = CivilDate(year: 2026, month: 2, day: 28)
        #expect(self.decide(.sell, record).result == .expired)
        #expect(self.decide(.redeem, record).result == .expired)
        #expect(self.decide(.receive, self.record(.issued, last: nil)).result == .accepted)
        record.expiry = CivilDate(year: 2026, month: 3, day: 1)  // today: still good
        #expect(self.decide(.sell, record).result == .accepted)
    }

    @Test func regionsListMustNameTheStoreOrItsRegion() {
        var record = self.record(.issued)
        record.regions = ["EU-FR", "S9"]
        #expect(self.decide(.sell, record).result == .wrongRegion)
        record.regions = ["EU-FR", "S1"]
        #expect(self.decide(.sell, record).result == .accepted)
        record.regions = ["EU-DE"]
        #expect(self.decide(.redeem, record).result == .accepted)
    }

    @Test func redeemOutsideTheCampaignWindowIsCampaignInactive() {
        var record = self.record(.sold)
        record.campaign = "summer"
        #expect(self.decide(.redeem, record).result == .campaignInactive)  // no such campaign configured
        var policy = self.policy
        policy.campaigns["summer"] = CampaignPolicy(name: "summer", starts: .testNow.adding(days: 1), ends: .testNow.adding(days: 30))
        #expect(self.decide(.redeem, record, policy: policy).result == .campaignInactive)
        policy.campaigns["summer"] = CampaignPolicy(name: "summer", starts: .testNow.adding(days: -1), ends: .testNow.adding(days: 30))
        #expect(self.decide(.redeem, record, policy: policy).result == .accepted)
        // Selling is not bound by the campaign window.
        record.state = .received
        policy.campaigns = [:]
        #expect(self.decide(.sell, record, policy: policy).result == .accepted)
    }

    @Test func soldHereFirstCampaignRefusesUnitsNotSoldHere() {
        var record = self.record(.received)
        record.campaign = "caps"
        var policy = self.policy
        policy.campaigns["caps"] = CampaignPolicy(name: "caps", starts: .testNow.adding(days: -1), ends: .testNow.adding(days: 1),
                                                  soldHereFirst: true)
        #expect(self.decide(.redeem, record, policy: policy).result == .notSoldHere)
        record.state = .sold
        #expect(self.decide(.redeem, record, policy: policy).result == .accepted)
    }

    @Test func productCodesAreCountedSalesAndNeverRedeemable() {
        let product = ParsedCode.product()
        #expect(self.decide(.sell, nil, code: product).effect == .countProductSale)
        #expect(self.decide(.sell, nil, code: product).result == .accepted)
        #expect(self.decide(.redeem, nil, code: product).result == .notRedeemable)
        #expect(self.decide(.verify, nil, code: product).result == .accepted)
        #expect(self.decide(.void, nil, code: product).result == .nothingToUndo)
    }

    @Test func casesUnpackOnReceiveAndAreNeitherSoldNorRedeemed() {
        let caseCode = ParsedCode.logisticUnit(sscc: GTIN.sscc(1))
        let record = CodeRecord(id: caseCode.id!, identityKind: .logisticUnit)
        #expect(self.decide(.receive, record, code: caseCode).effect == .receiveCase)
        #expect(self.decide(.redeem, record, code: caseCode).result == .notRedeemable)
        #expect(self.decide(.sell, record, code: caseCode).result == .notSellable)
    }

    @Test(arguments: [
        (LaneRole.receiving, Operation.sell, false), (.receiving, .receive, true), (.receiving, .redeem, false),
        (.checkout, .receive, false), (.checkout, .sell, true), (.checkout, .redeem, true),
        (.redemption, .sell, false), (.redemption, .redeem, true), (.service, .receive, true),
    ])
    func laneRolesAllowTheirOperationsOnly(role: LaneRole, operation: Operation, allowed: Bool) {
        let decision = self.decide(operation, self.record(.issued), context: .test(role: role))
        #expect((decision.result != .notAllowedForLane) == allowed, "\(role) \(operation): \(decision.reason)")
    }

    @Test func voidUndoesTheLastChangeWithinTheWindowFromTheSameLaneOrOperator() {
        let last = LastChange(operation: .redeem, previousState: .sold, lane: "1", operator: "alice", time: .testNow, seq: 5)
        let record = self.record(.redeemed, last: last)
        let later = Timestamp.testNow.adding(days: 9)
        let same = self.decide(.void, record, context: .test(time: later))
        #expect(same.result == .accepted)
        #expect(same.effect == .undo(restoring: .sold, undoneSeq: 5, undoneOperation: .redeem))
        #expect(self.decide(.void, record, context: .test(lane: "2", time: later)).result == .accepted)  // same operator
        #expect(self.decide(.void, record, context: .test(operator: "bob", time: later)).result == .accepted)  // same lane
        let other = self.decide(.void, record, context: .test(lane: "2", operator: "bob", time: later))
        #expect(other.result == .notAllowedForLane)
        #expect(other.reason.contains("lane 1") && other.reason.contains("alice"))
        var relaxed = self.policy
        relaxed.undoSameLaneOrOperatorOnly = false
        #expect(self.decide(.void, record, policy: relaxed, context: .test(lane: "2", operator: "bob", time: later)).result == .accepted)
        let late = self.decide(.void, record, context: .test(time: Timestamp.testNow.adding(days: 10, minutes: 1)))
        #expect(late.result == .undoWindowPassed)
        #expect(late.reason.contains("10 days"))
    }
}
