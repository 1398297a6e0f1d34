public import StoregateCore

/// Anything that produces scans: a USB scanner, an evdev device, a serial port, a replay file, stdin.
///
/// `run` delivers scans in arrival order through `emit`, waiting for each `emit` to return (so a slow
/// ledger slows the source instead of growing a queue), and returns when the source is exhausted
/// (replay, stdin) or the task is cancelled (devices). A device that goes away is not an error for the
/// source's owner: sources that can reconnect keep running and report the gap as an incomplete scan.
public protocol ScanSource: Sendable {
    /// The source as configured, e.g. `replay:morning.txt`; shown in logs and `storegate devices`.
    var name: String { get }
    func run(emit: @Sendable (ScanEvent) async throws -> Void) async throws
}
