import StoregateCore
import StoregateDaemon
import StoregateLedger

/// Check 7: signed downlink can apply (there are downlink keys) and the store is within HQ's limit on running
/// without a sync (`max_time_without_sync_ms`): past it, redemptions are refused with `sync_overdue`.
struct SyncCheck: DoctorCheck {
    let name = "sync"

    func run(_ context: DoctorContext) throws -> DoctorFinding {
        guard let ledger = context.ledger.ledger else { return self.skippedWithoutLedger() }
        let policy = try ledger.policy()
        let now = Timestamp(milliseconds: context.now)
        let limit = policy.maxTimeWithoutSyncMilliseconds
        let sinceSync = policy.lastHQSync.map { context.now - $0.milliseconds }
        let lastSync = policy.lastHQSync.map { "last downlink sync \($0.utcText), \(sinceSync.map { $0 / 1000 } ?? 0) s ago" }
            ?? "no signed downlink message applied yet"
        let limitText = limit > 0 ? "HQ's limit without sync \(limit / 1000) s" : "no limit on time without sync"
        let summary = "\(lastSync); \(limitText)"
        if policy.isSyncOverdue(at: now) {
            return .fail(self.name, "\(summary): redemptions are refused with sync_overdue",
                         fix: "get the box talking to HQ (see broker and daemon); HQ's next signed message (a sync beacon) lifts it")
        }
        if limit > 0, let since = sinceSync, since > limit / 2 {
            return .warn(self.name, "\(summary): over half of the limit has passed",
                         fix: "check the link to HQ (see broker and daemon) and that HQ sends sync beacons well within the limit")
        }
        let keys = try ledger.downlinkKeys()
        let configKeys = context.configuration.downlinkKeys
        if keys.isEmpty && configKeys.isEmpty {
            return .warn(self.name, "\(summary); no downlink keys: no signed HQ message (codes, revocations, policy, sync) can apply",
                         fix: "add [downlink] keys = { KEY-ID = \"…\" } to the config, "
                             + "or `storegate hq trust \(context.dbArgument) --key-id ID --public-key KEY`")
        }
        if !context.configuration.downlinkEnabled {
            return .warn(self.name, "\(summary); downlink.enabled = false: HQ's codes, revocations, policy and sync never arrive",
                         fix: "set downlink.enabled = true")
        }
        // The config's keys count only until the ledger has its own (they bootstrap an empty table, nothing more).
        let keyIDs = keys.isEmpty
            ? configKeys.keys.sorted().map { "\($0) (from the config, trusted at the next start)" }
            : keys.keys.sorted()
        return .ok(self.name, "\(summary); downlink keys: \(keyIDs.joined(separator: ", "))")
    }
}
