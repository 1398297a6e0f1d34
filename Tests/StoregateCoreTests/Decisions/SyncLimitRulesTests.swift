import StoregateCore
import StoregateTesting
import Testing

/// HQ's "max time without sync" (Chestny ZNAK's 72 h): the decision table of ``DecisionRules``' last rule.
@Suite struct SyncLimitRulesTests {
    static let limit: Int64 = 72 * 3_600_000
    let code = ParsedCode.unit(serial: "CAP1")

    func policy(lastSync: Timestamp?, limit: Int64 = Self.limit, provisional: Bool = true) -> StorePolicy {
        StorePolicy(storeID: "S1", region: "EU-DE", allowProvisional: provisional,
                    maxTimeWithoutSyncMilliseconds: limit, lastHQSync: lastSync)
    }

    func decide(_ operation: Operation, registered: CodeState?, policy: StorePolicy, signature: SignatureCheck = .absent) -> Decision {
        DecisionRules.decide(
            record: registered.map { CodeRecord(id: self.code.id!, state: $0) }, code: self.code, signature: signature,
            policy: policy, operation: operation, context: .test())
    }

    /// (operation, registered state or nil for an unregistered signed code, sync overdue?, expected result)
    static let table: [(Operation, CodeState?, Bool, ResultCode)] = [
        (.redeem, .sold, true, .syncOverdue),
        (.redeem, .issued, true, .syncOverdue),
        (.redeem, .sold, false, .accepted),
        (.redeem, nil, true, .syncOverdue),       // provisional redemption
        (.sell, nil, true, .syncOverdue),         // provisional sale
        (.receive, nil, true, .syncOverdue),      // provisional receipt
        (.sell, nil, false, .accepted),
        (.sell, .received, true, .accepted),      // registered sales go on
        (.receive, .issued, true, .accepted),
        (.verify, .sold, true, .accepted),
        (.verify, nil, true, .accepted),          // verify records nothing, even provisionally
        (.redeem, .redeemed, true, .alreadyRedeemed), // the more useful refusal wins
        (.redeem, .revoked, true, .revoked),
    ]

    @Test(arguments: Self.table)
    func onlyRedemptionsAndProvisionalAcceptancesWaitForASync(
        operation: Operation, registered: CodeState?, overdue: Bool, expected: ResultCode
    ) {
        let lastSync = overdue ? Timestamp.testNow.adding(minutes: -(Self.limit / 60_000) - 1) : Timestamp.testNow.adding(days: -1)
        let decision = self.decide(operation, registered: registered, policy: self.policy(lastSync: lastSync),
                                   signature: registered == nil ? .valid(keyID: "k1") : .absent)
        #expect(decision.result == expected, "\(operation) on \(registered.map(\.rawValue) ?? "unregistered"): \(decision.reason)")
        if expected == .syncOverdue {
            #expect(decision.effect == .none)
            #expect(!decision.provisional)
            #expect(decision.reason.contains("72 h"))
        }
    }

    @Test func exactlyAtTheLimitIsStillInTime() {
        let policy = self.policy(lastSync: Timestamp.testNow.adding(minutes: -(Self.limit / 60_000)))
        #expect(self.decide(.redeem, registered: .sold, policy: policy).result == .accepted)
    }

    @Test func noLimitMeansNoRefusalEvenWithoutAnySync() {
        #expect(self.decide(.redeem, registered: .sold, policy: self.policy(lastSync: nil, limit: 0)).result == .accepted)
    }

    @Test func aStoreThatNeverSyncedUnderALimitIsOverdueAndTheReasonSaysSo() {
        let decision = self.decide(.redeem, registered: .sold, policy: self.policy(lastSync: nil))
        #expect(decision.result == .syncOverdue)
        #expect(decision.reason.contains("never synced"))
    }

    @Test func aClockBehindTheLastSyncIsNotOverdue() {
        #expect(!self.policy(lastSync: Timestamp.testNow.adding(days: 1)).isSyncOverdue(at: .testNow))
    }
}
