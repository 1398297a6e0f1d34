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
        /// Keyboard pass-through: accepted scans typed to the till whole; not typed because the virtual keyboard
        /// could not be made or written; dropped because too many were waiting; refused by the lane's rules
        /// (`pass_through_allowed`, `pass_through_max_length`). Kept by the scan pipeline, read at each snapshot.
        case passThroughTyped = "pass_through_typed"
        case passThroughFailed = "pass_through_failed"
        case passThroughDropped = "pass_through_dropped"
        case passThroughRefused = "pass_through_refused"
    }

    private let values = Mutex<[Counter: Int]>([:])
    /// Counts kept by their owners, read when a counter is.
    private let sources = Mutex<[@Sendable () -> [Counter: Int]]>([])
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

    /// Adds counts kept elsewhere (the scan pipeline's pass-through counts) to every read of the counters.
    public func include(_ source: @escaping @Sendable () -> [Counter: Int]) {
        self.sources.withLock { $0.append(source) }
    }

    public func value(_ counter: Counter) -> Int {
        self.all[counter] ?? 0
    }

    /// Every counter by name (zeros included), for the heartbeat and the status file.
    public var snapshot: [String: Int] {
        let all = self.all
        return Dictionary(uniqueKeysWithValues: Counter.allCases.map { ($0.rawValue, all[$0] ?? 0) })
    }

    private var all: [Counter: Int] {
        var all = self.values.withLock { $0 }
        for source in self.sources.withLock({ $0 }) {
            all.merge(source()) { $0 + $1 }
        }
        return all
    }
}
