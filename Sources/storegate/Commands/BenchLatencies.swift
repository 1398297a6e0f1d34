import Foundation

/// The latencies of a durable benchmark's transactions, for its one line of figures (`bench redeem`, `bench basket`).
struct BenchLatencies {
    private var nanoseconds: [UInt64] = []

    init(capacity: Int) { self.nanoseconds.reserveCapacity(capacity) }

    /// Records one transaction that began at `start` (`DispatchTime.now().uptimeNanoseconds`) and ended now.
    mutating func record(since start: UInt64) {
        self.nanoseconds.append(DispatchTime.now().uptimeNanoseconds - start)
    }

    /// "p50 …, p99 …, max …" in milliseconds.
    var summary: String {
        let sorted = self.nanoseconds.sorted()
        func milliseconds(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            return Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1e6
        }
        return String(format: "p50 %.3f ms, p99 %.3f ms, max %.3f ms", milliseconds(0.5), milliseconds(0.99), milliseconds(1.0 - 1e-12))
    }
}
