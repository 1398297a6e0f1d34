extension DecisionRules {
    /// A code HQ has not (yet) registered here: rejected, unless its signature proves HQ issued it and the
    /// store accepts such codes provisionally (offline operation; HQ confirms or rejects later).
    static func decideUnregistered(
        code: ParsedCode,
        signature: SignatureCheck,
        policy: StorePolicy,
        operation: Operation,
        context: DecisionContext
    ) -> Decision {
        guard case .valid(let keyID) = signature else {
            return Decision(result: .unknownCode,
                            reason: "Unknown code: not in this store's registry and not signed by HQ.")
        }
        guard policy.allowProvisional else {
            return Decision(result: .unknownCode,
                            reason: "Unknown code: signed by HQ (key \(keyID)) but not yet in this store's registry, "
                                + "and this store does not accept codes provisionally.")
        }
        let isCase = code.identityKind == .logisticUnit
        let details = DecisionDetails(state: nil, expiry: code.expiry)
        if let expiry = code.expiry, operation != .verify, operation != .void, expiry < policy.localDate(at: context.time) {
            return Decision(result: .expired, reason: "Expired on \(expiry).", details: details)
        }
        switch operation {
        case .verify:
            return Decision(result: .accepted,
                            reason: "Genuine (signed by HQ, key \(keyID)); not yet registered here, usable provisionally.",
                            provisional: true, details: details)
        case .void:
            return Decision(result: .unknownCode, reason: "Unknown code: nothing was done with it here, so nothing to undo.")
        case .sell where isCase:
            return Self.caseNotSellable(details: details)
        case .redeem where isCase:
            return Self.notRedeemable(isCase: true, details: details)
        case .receive, .sell, .redeem:
            let target = Self.targetState(of: operation)
            return Decision(result: .accepted,
                            reason: "Accepted provisionally: signed by HQ (key \(keyID)), not yet registered; HQ will confirm.",
                            effect: .createProvisional(target), provisional: true, details: details)
        }
    }

    static func targetState(of operation: Operation) -> CodeState {
        switch operation {
        case .receive: return .received
        case .sell: return .sold
        case .redeem: return .redeemed
        case .verify, .void: return .issued  // not state-changing; never asked for
        }
    }

    static func caseNotSellable(details: DecisionDetails) -> Decision {
        Decision(result: .notSellable,
                 reason: "This is a case, not a unit: receive it to unpack its units, then sell those.", details: details)
    }

    static func notRedeemable(isCase: Bool, details: DecisionDetails) -> Decision {
        Decision(result: .notRedeemable,
                 reason: isCase ? "This is a case, not a prize code; only unit codes can be redeemed."
                     : "This code cannot be redeemed.",
                 details: details)
    }
}
