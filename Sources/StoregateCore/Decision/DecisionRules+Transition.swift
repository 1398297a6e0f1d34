extension DecisionRules {
    /// receive / sell / redeem of a registered, not revoked code.
    static func decideTransition(
        record: CodeRecord,
        code: ParsedCode,
        policy: StorePolicy,
        operation: Operation,
        context: DecisionContext
    ) -> Decision {
        let isCase = record.identityKind == .logisticUnit
        var details = DecisionDetails(state: record.state, expiry: record.expiry ?? code.expiry, campaign: record.campaign)
        if operation == .redeem && isCase { return Self.notRedeemable(isCase: true, details: details) }
        if operation == .sell && isCase { return Self.caseNotSellable(details: details) }

        if let conflict = Self.stateConflict(state: record.state, operation: operation) {
            details.earlier = record.lastChange
            return Decision(result: conflict, reason: Self.alreadyReason(conflict, record.lastChange), details: details)
        }
        if let rejection = Self.checkExpiryAndRegion(record: record, code: code, policy: policy, context: context, details: details) {
            return rejection
        }
        if operation == .redeem, let name = record.campaign {
            guard let campaign = policy.campaigns[name], campaign.isActive(at: context.time) else {
                let window = policy.campaigns[name].map { " (runs \($0.starts.utcText) to \($0.ends.utcText))" } ?? ""
                return Decision(result: .campaignInactive,
                                reason: "Campaign \(name) is not running at this store now\(window).", details: details)
            }
            if campaign.soldHereFirst && record.state != .sold {
                return Decision(result: .notSoldHere,
                                reason: "Campaign \(name) redeems only units this store sold; this one was not sold here.",
                                details: details)
            }
        }
        let target = Self.targetState(of: operation)
        let effect: DecisionEffect = operation == .receive && isCase ? .receiveCase : .setState(target)
        return Decision(result: .accepted, reason: Self.acceptedReason(operation, isCase: isCase),
                        effect: effect, provisional: record.provisional, details: details)
    }

    /// Expiry (before the store's today) and region (diversion) rules shared by verify and the transitions.
    static func checkExpiryAndRegion(
        record: CodeRecord,
        code: ParsedCode,
        policy: StorePolicy,
        context: DecisionContext,
        details: DecisionDetails
    ) -> Decision? {
        if let expiry = record.expiry ?? code.expiry, expiry < policy.localDate(at: context.time) {
            return Decision(result: .expired, reason: "Expired on \(expiry).", details: details)
        }
        if !record.regions.isEmpty, !record.regions.contains(policy.region), !record.regions.contains(policy.storeID) {
            return Decision(result: .wrongRegion,
                            reason: "Not for this store: meant for \(record.regions.joined(separator: ", ")) "
                                + "(this store is \(policy.storeID) in \(policy.region)). Possible diversion.",
                            details: details)
        }
        return nil
    }

    /// The `already_*` answer when a code is at or past the operation's target state.
    static func stateConflict(state: CodeState, operation: Operation) -> ResultCode? {
        switch (operation, state) {
        case (.receive, .received): return .alreadyReceived
        case (.receive, .sold), (.sell, .sold): return .alreadySold
        case (_, .redeemed): return .alreadyRedeemed
        default: return nil
        }
    }

    static func alreadyReason(_ result: ResultCode, _ earlier: LastChange?) -> String {
        let what: String
        switch result {
        case .alreadyReceived: what = "Already received"
        case .alreadySold: what = "Already sold"
        default: what = "Already redeemed"
        }
        guard let earlier else { return "\(what)." }
        return "\(what) on \(earlier.time.utcText) at lane \(earlier.lane) by operator \(earlier.operator)."
    }

    static func acceptedReason(_ operation: Operation, isCase: Bool) -> String {
        switch operation {
        case .receive: return isCase ? "Case received; its units are received too." : "Received."
        case .sell: return "Sold."
        case .redeem: return "Redeemed."
        case .verify, .void: return "Accepted."
        }
    }
}
