extension DecisionRules {
    /// verify: read only. Accepted when the code could be used here now, with its state; otherwise the
    /// rejection a sale or redemption would get (already_redeemed, expired, wrong_region).
    static func decideVerify(record: CodeRecord, code: ParsedCode, policy: StorePolicy, context: DecisionContext) -> Decision {
        var details = DecisionDetails(state: record.state, expiry: record.expiry ?? code.expiry, campaign: record.campaign)
        if record.state == .redeemed {
            details.earlier = record.lastChange
            return Decision(result: .alreadyRedeemed, reason: Self.alreadyReason(.alreadyRedeemed, record.lastChange),
                            details: details)
        }
        if let rejection = Self.checkExpiryAndRegion(record: record, code: code, policy: policy, context: context, details: details) {
            return rejection
        }
        let provisional = record.provisional ? " (provisional, awaiting HQ confirmation)" : ""
        return Decision(result: .accepted, reason: "Genuine; state \(record.state.rawValue)\(provisional).",
                        provisional: record.provisional, details: details)
    }

    /// void: undo the last state change, within the undo window and (by default) only by the same lane or operator.
    static func decideVoid(record: CodeRecord, policy: StorePolicy, context: DecisionContext) -> Decision {
        var details = DecisionDetails(state: record.state)
        guard let last = record.lastChange else {
            // The ledger records a basket's sale and a return without a per-code undo: the receipt is what changed.
            let reason = switch record.state {
            case .sold: "Nothing to undo here: this unit was sold in a basket; take it back with a return against its receipt."
            case .redeemed: "Nothing to undo here: this prize was redeemed in a basket, which is final."
            default: "Nothing to undo: no operation on this code can be voided."
            }
            return Decision(result: .nothingToUndo, reason: reason, details: details)
        }
        details.earlier = last
        let age = context.time.milliseconds - last.time.milliseconds
        if age > policy.undoWindowMilliseconds {
            let days = policy.undoWindowMilliseconds / 86_400_000
            let window = days * 86_400_000 == policy.undoWindowMilliseconds
                ? "\(days) days" : "\(policy.undoWindowMilliseconds / 60_000) minutes"
            return Decision(result: .undoWindowPassed,
                            reason: "Too late to undo: the \(last.operation.rawValue) on \(last.time.utcText) is past the \(window) undo window.",
                            details: details)
        }
        if policy.undoSameLaneOrOperatorOnly, last.lane != context.lane, last.operator != context.operator {
            return Decision(result: .notAllowedForLane,
                            reason: "Only lane \(last.lane) or operator \(last.operator) may undo this \(last.operation.rawValue).",
                            details: details)
        }
        return Decision(result: .accepted,
                        reason: "Undid the \(last.operation.rawValue) of \(last.time.utcText); state is \(last.previousState.rawValue) again.",
                        effect: .undo(restoring: last.previousState, undoneSeq: last.seq, undoneOperation: last.operation),
                        provisional: record.provisional, details: details)
    }
}
