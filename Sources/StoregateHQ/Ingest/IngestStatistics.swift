import Synchronization

/// What this instance has done since it started (for `storegate-hq status`, the log and the benchmark).
public final class IngestStatistics: Sendable {
    public struct Snapshot: Sendable, Equatable {
        /// Fleet subscriptions the broker granted on this connection (one per gateway topic kind when all is well).
        public var subscriptionsGranted = 0
        /// Fleet subscriptions the broker refused on this connection (its ACL does not allow the share group).
        public var subscriptionsRefused = 0
        public var received = 0
        public var stored = 0
        public var duplicates = 0
        public var invalid = 0
        public var batches = 0
        public var retries = 0
        /// Milliseconds from each stored event's time at the gateway to its commit here, the last batch's worst.
        public var lastBatchLagMs: Int64 = 0
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { self.state.withLock { $0 } }

    func update(_ change: (inout Snapshot) -> Void) {
        self.state.withLock { change(&$0) }
    }
}
