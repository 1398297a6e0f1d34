import Foundation
public import StoregateLedger
public import StoregateMQTTClient
import Synchronization

/// What a watchdog ping vouches for. systemd restarts a daemon that stops pinging (`WatchdogSec`), so the ping goes
/// out only when the parts that do the work have each moved or are idle — never while one has been stuck longer than
/// `limit`:
/// - the scan pipeline: no scan waits for its decision longer than `limit`;
/// - the MQTT loop thread: it went round within `limit` (it does every 20 ms, connected or not; a connect attempt,
///   which the kernel bounds, does not count as stuck);
/// - the ledger's writer: a probe (take the write lock, let it go, on the ledger's own thread) answered within
///   `limit`, and without an error. One probe is in flight at a time, so a hung writer is found, not piled up on.
/// A cooperative pool too wedged to run the check sends no ping either.
public final class Liveness: Sendable {
    private struct Probe {
        var since: ContinuousClock.Instant?
        var failure: String?
    }

    private let limit: Duration
    private let ledger: Ledger
    private let client: MQTTClient?
    private let pipeline: @Sendable () -> Duration?
    private let probe = Mutex(Probe())

    /// `pipeline`: how long the oldest scan in hand has waited (``ScanPipeline/oldestScanInHand``).
    public init(limit: Duration, ledger: Ledger, client: MQTTClient?, pipeline: @escaping @Sendable () -> Duration?) {
        self.limit = limit
        self.ledger = ledger
        self.client = client
        self.pipeline = pipeline
    }

    /// Why the watchdog must not be pinged now; empty when every part moves. Starts the next writer probe.
    public func problems() -> [String] {
        var problems: [String] = []
        if let waiting = self.pipeline(), waiting > self.limit {
            problems.append("scan pipeline: a scan has waited \(Self.seconds(waiting)) s for its decision")
        }
        if let since = self.client?.sinceLastLoopTurn, since > self.limit {
            problems.append("MQTT loop thread: no turn for \(Self.seconds(since)) s")
        }
        if let writer = self.writerProblem() { problems.append(writer) }
        return problems
    }

    /// A probe in flight longer than `limit` is a stall; so is the last probe's failure until a probe succeeds (a
    /// new probe in flight does not clear it: the lock it waits for may be the same one).
    private func writerProblem() -> String? {
        let (state, start) = self.probe.withLock { probe -> (Probe, Bool) in
            let before = probe
            guard probe.since == nil else { return (before, false) }
            probe.since = .now
            return (before, true)
        }
        if start {
            let ledger = self.ledger
            Task {
                var failure: String?
                do { try await ledger.async.run { try $0.probeWriter() } } catch { failure = "\(error)" }
                self.probe.withLock { $0 = Probe(since: nil, failure: failure) }
            }
        }
        if let since = state.since, ContinuousClock.now - since > self.limit {
            return "ledger writer: the write lock has not been granted for \(Self.seconds(ContinuousClock.now - since)) s"
        }
        return state.failure.map { "ledger writer: \($0)" }
    }

    private static func seconds(_ duration: Duration) -> String {
        String(format: "%.1f", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }
}
