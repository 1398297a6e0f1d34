public import StoregateCore
import Synchronization

/// The gateway's counters, kept once: the operations (and their result codes) counted by the `OperationDesk`, the
/// link's publishes, deliveries and reconnects. The heartbeat, the status file and `/metrics` all read them here.
public final class GatewayCounters: Sendable {
    /// The counter names are the heartbeat's keys.
    public enum Counter: String, Sendable, CaseIterable {
        case scans
        case accepted
        case rejected
        case published
        case delivered
        case refused
        case reconnects
        case downlinkApplied = "downlink_applied"
        case downlinkRejected = "downlink_rejected"
        /// Downlink messages not applied for a transient reason (disk full, ledger busy) and left unacknowledged.
        case downlinkDeferred = "downlink_deferred"
    }

    private let values = Mutex<[Counter: Int]>([:])
    private let results = Mutex<[ResultCode: Int]>([:])

    public init() {}

    public func bump(_ counter: Counter, by amount: Int = 1) {
        self.values.withLock { $0[counter, default: 0] += amount }
    }

    /// Counts a decision by its result code (replayed answers included, like the accepted/rejected counters).
    public func count(_ result: ResultCode) {
        self.results.withLock { $0[result, default: 0] += 1 }
    }

    /// Decisions so far by result code.
    public var resultCounts: [ResultCode: Int] { self.results.withLock { $0 } }

    public func value(_ counter: Counter) -> Int {
        self.values.withLock { $0[counter] ?? 0 }
    }

    /// Every counter by name (zeros included), for the heartbeat and the status file.
    public var snapshot: [String: Int] {
        self.values.withLock { values in
            Dictionary(uniqueKeysWithValues: Counter.allCases.map { ($0.rawValue, values[$0] ?? 0) })
        }
    }
}
