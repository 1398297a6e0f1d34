import Synchronization

/// Measures how long a scan takes from entering the daemon to its event's PUBACK (`storegate run --report-latency`,
/// the benchmark in `scripts/bench.sh`). The pipeline notes when a scan entered and which event it produced; the
/// uplink notes the PUBACK. Thread-safe; kept out of the hot path when not asked for (the daemon passes nil).
public final class ScanLatencyRecorder: Sendable {
    private struct State {
        var entered: [Int64: ContinuousClock.Instant] = [:]
        var latencies: [Duration] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// The scan that entered at `instant` was committed as event `seq`.
    public func scan(enteredAt instant: ContinuousClock.Instant, committedAs seq: Int64) {
        self.state.withLock { $0.entered[seq] = instant }
    }

    /// The broker acknowledged event `seq` (events not produced by a timed scan are ignored).
    public func acknowledged(seq: Int64) {
        let now = ContinuousClock.now
        self.state.withLock { state in
            if let entered = state.entered.removeValue(forKey: seq) { state.latencies.append(now - entered) }
        }
    }

    /// "N scans, p50 …, p99 …, max …" in milliseconds, or nil before the first acknowledged scan.
    public var summary: String? {
        let sorted = self.state.withLock { $0.latencies }.sorted()
        guard !sorted.isEmpty else { return nil }
        func percentile(_ p: Double) -> String {
            let index = min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)
            return Self.milliseconds(sorted[max(0, index)])
        }
        return "\(sorted.count) scans, p50 \(percentile(0.50)) ms, p99 \(percentile(0.99)) ms, max \(Self.milliseconds(sorted[sorted.count - 1])) ms"
    }

    private static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let value = Double(seconds) * 1_000 + Double(attoseconds) / 1e15
        return String(Int((value * 100).rounded())).paddedHundredths
    }
}

extension String {
    /// "1234" (hundredths) → "12.34".
    fileprivate var paddedHundredths: String {
        let digits = self.count < 3 ? String(repeating: "0", count: 3 - self.count) + self : self
        return "\(digits.dropLast(2)).\(digits.suffix(2))"
    }
}
