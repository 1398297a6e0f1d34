import Synchronization
import StoregateCore

/// What the writer keeps in memory between transactions: the chain head and the policy, so a redemption does not
/// re-read them. Valid while no other connection has committed (checked with `PRAGMA data_version` in each
/// transaction) and dropped whenever a transaction fails, so it can never run ahead of what is on disk.
final class LedgerCache: Sendable {
    struct Snapshot {
        var dataVersion: Int64
        var headSeq: Int64
        var headHash: [UInt8]
        var policy: StorePolicy
        /// This ledger's gateway id (made at its creation), stamped on every event with the policy's store id.
        var gatewayID: String
    }

    private let snapshot = Mutex<Snapshot?>(nil)

    func current(dataVersion: Int64) -> Snapshot? {
        self.snapshot.withLock { snapshot in
            guard let snapshot, snapshot.dataVersion == dataVersion else { return nil }
            return snapshot
        }
    }

    func store(_ value: Snapshot) {
        self.snapshot.withLock { $0 = value }
    }

    func invalidate() {
        self.snapshot.withLock { $0 = nil }
    }
}
