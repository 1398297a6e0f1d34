import Synchronization

/// The main counters, shared by the pipeline and the HQ link and published in the heartbeat.
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
    }

    private let values = Mutex<[Counter: Int]>([:])

    public init() {}

    public func bump(_ counter: Counter, by amount: Int = 1) {
        self.values.withLock { $0[counter, default: 0] += amount }
    }

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
