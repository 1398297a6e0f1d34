#if canImport(Glibc)
internal import Glibc
#endif
public import StoregateCore

/// The clocks sources stamp reports with: wall time for ``ScanEvent`` and monotonic time for latency figures.
public enum SourceClock {
    /// Now, as the core's millisecond wall-clock ``Timestamp``.
    public static func now() -> Timestamp {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Timestamp(milliseconds: Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000)
    }

    /// CLOCK_MONOTONIC in nanoseconds: the same clock the lab's scanner gadget uses, so the two can be compared.
    public static func monotonicNanoseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}
