extension DecisionRules {
    /// HQ's offline limit, applied last: a redemption (money HQ reimburses) or a provisional acceptance (trust in a
    /// code HQ has not confirmed) that would be accepted becomes ``ResultCode/syncOverdue`` once the store has not
    /// synced within ``StorePolicy/maxTimeWithoutSyncMilliseconds``: revocations and double redemptions elsewhere
    /// may have happened meanwhile. Verify, sell, receive and void of registered codes go on, so the shop can trade.
    /// Applied last so that every other refusal (already redeemed, revoked…) keeps its more useful reason.
    static func applySyncLimit(
        to decision: Decision, operation: Operation, policy: StorePolicy, context: DecisionContext
    ) -> Decision {
        guard decision.result == .accepted, operation != .verify, operation != .void,
              operation == .redeem || decision.provisional,
              policy.isSyncOverdue(at: context.time) else { return decision }
        let contact = policy.lastHQSync.map { "has not synced with HQ since \($0.utcText)" } ?? "has never synced with HQ"
        let hours = Double(policy.maxTimeWithoutSyncMilliseconds) / 3_600_000
        let limit = hours >= 1 && hours == hours.rounded() ? "\(Int(hours)) h" : "\(policy.maxTimeWithoutSyncMilliseconds) ms"
        let what = operation == .redeem ? "Redemptions" : "Provisional acceptances"
        return Decision(
            result: .syncOverdue,
            reason: "\(what) are paused: this store \(contact) (limit \(limit)). "
                + "Check the store's internet connection; verify and sales go on.",
            details: DecisionDetails(state: decision.details.state))
    }
}
