/// The decision rules: a pure function of what the ledger knows about a code, the scan, the store's policy,
/// the operation and who asks. The ledger applies the result in one transaction; docs/results.md lists every rule.
public enum DecisionRules {
    /// Decides what happens to one scanned code.
    ///
    /// - Parameters:
    ///   - record: the code's registry row, or nil when the code is not registered at this store.
    ///   - code: the parsed scan.
    ///   - signature: the outcome of checking the scan's signature tail against HQ's keys.
    public static func decide(
        record: CodeRecord?,
        code: ParsedCode,
        signature: SignatureCheck,
        policy: StorePolicy,
        operation: Operation,
        context: DecisionContext
    ) -> Decision {
        let decision = Self.decideIgnoringSyncLimit(
            record: record, code: code, signature: signature, policy: policy, operation: operation, context: context)
        return Self.applySyncLimit(to: decision, operation: operation, policy: policy, context: context)
    }

    /// Every rule but the sync limit, which only ever turns an acceptance into a refusal.
    static func decideIgnoringSyncLimit(
        record: CodeRecord?,
        code: ParsedCode,
        signature: SignatureCheck,
        policy: StorePolicy,
        operation: Operation,
        context: DecisionContext
    ) -> Decision {
        // The lane's role comes first: it does not depend on the code, and tells staff to use another lane.
        guard context.role.allows(operation) else {
            return Decision(
                result: .notAllowedForLane,
                reason: "A \(context.role.rawValue) lane may not \(operation.rawValue); "
                    + "use a lane with role \(Self.rolesAllowing(operation)).",
                details: DecisionDetails(state: record?.state)
            )
        }
        guard code.valid, code.id != nil, code.identityKind != .none else {
            let what = code.errors.first?.message ?? "no identity could be read from the scan"
            return Decision(
                result: .malformed, reason: "Not a valid code: \(what).",
                details: DecisionDetails(parseErrors: code.errors)
            )
        }
        // A forged tail on a copied id is a counterfeit signal even when the id itself is registered.
        if case .invalid(let why) = signature {
            return Decision(
                result: .badSignature, reason: "Counterfeit suspected: \(why).",
                details: DecisionDetails(state: record?.state)
            )
        }
        if code.identityKind == .product {
            return Self.decideProduct(code: code, operation: operation)
        }
        guard let record else {
            return Self.decideUnregistered(code: code, signature: signature, policy: policy, operation: operation, context: context)
        }
        if record.state == .revoked {
            let why = record.revokedReason ?? "no reason given"
            return Decision(
                result: .revoked, reason: "Revoked by HQ: \(why). Do not accept this item.",
                details: DecisionDetails(state: .revoked, revokedReason: record.revokedReason)
            )
        }
        switch operation {
        case .verify:
            return Self.decideVerify(record: record, code: code, policy: policy, context: context)
        case .void:
            return Self.decideVoid(record: record, policy: policy, context: context)
        case .receive, .sell, .redeem:
            return Self.decideTransition(record: record, code: code, policy: policy, operation: operation, context: context)
        }
    }

    static func rolesAllowing(_ operation: Operation) -> String {
        LaneRole.allCases.filter { $0.allows(operation) }.map(\.rawValue).joined(separator: " or ")
    }
}
