import Foundation
public import Logging
public import ServiceLifecycle
public import StoregateContract
public import StoregateCore
public import StoregateGateway
import StoregateLedger
import StoregateLink
public import StoregateScanners
import Synchronization

/// Scan sources → parse → ``OperationDesk`` (signature check, `Ledger.apply`, the HQ link, the event stream) → the
/// cashier's answer, as a `Service`.
///
/// Each scan is decided and committed (on the ledger's thread, see `AsyncLedger`) before the next one from the same
/// source is read; on graceful shutdown the sources are cancelled but a scan already in hand is finished (the ledger
/// call, once submitted, runs to its end).
///
/// On a lane with keyboard pass-through, a scan the ledger accepted is re-typed on the virtual keyboard
/// (``PassThroughTypist``) once checked by the lane's ``PassThroughFormat``; a rejected scan is never typed, and an
/// accepted one that may not be typed says so on the cashier's line.
public final class ScanPipeline: Service, Sendable {
    private let desk: OperationDesk
    private let scanners: [ScannerConfiguration]
    private let operations: [LaneRole: StoregateCore.Operation]
    private let logger: Logger
    private let answers: @Sendable (String) -> Void
    private let states = Mutex<[String: ScannerStatus]>([:])
    private let finished = Atomic<Bool>(false)
    /// When each scan being decided now was taken up, by a number of its own (scanners run side by side).
    private let inHand = Mutex<(next: UInt64, since: [UInt64: ContinuousClock.Instant])>((0, [:]))
    /// The virtual keyboard's typist when a scanner has pass-through.
    private let typist: PassThroughTypist?
    /// Accepted scans not typed, by ``PassThroughRefusal/code``.
    private let notTyped = Mutex<[String: Int]>([:])

    /// `answers` receives one line per decision: what the cashier sees. `typist` types the pass-through lanes'
    /// accepted scans; nil: a uinput keyboard is made when a scanner has pass-through.
    public init(desk: OperationDesk, scanners: [ScannerConfiguration], operations: [LaneRole: StoregateCore.Operation],
                logger: Logger, typist: PassThroughTypist? = nil, answers: @escaping @Sendable (String) -> Void) {
        if let typist {
            self.typist = typist
        } else if scanners.contains(where: { $0.passThrough != nil }) {
            self.typist = .uinput { status in logger.notice("\(status)") }
        } else {
            self.typist = nil
        }
        self.desk = desk
        self.scanners = scanners
        self.operations = operations
        self.logger = logger
        self.answers = answers
        if self.typist != nil {
            desk.counters.include { [weak self] in self?.passThroughCounts ?? [:] }
        }
        for scanner in scanners {
            self.states.withLock {
                $0[scanner.source] = ScannerStatus(source: scanner.source, lane: scanner.lane, role: scanner.role.rawValue, state: "running")
            }
        }
    }

    /// True once every source has ended (a replay at its end); devices never end.
    public var sourcesFinished: Bool { self.finished.load(ordering: .sequentiallyConsistent) }

    /// How long the oldest scan in hand has been waiting for its decision; nil when none is (the watchdog's view
    /// of the pipeline: idle is fine, stuck is not).
    public var oldestScanInHand: Duration? {
        self.inHand.withLock { $0.since.values.min() }.map { ContinuousClock.now - $0 }
    }

    public var scannerStatus: [ScannerStatus] {
        self.states.withLock { Array($0.values).sorted { $0.source < $1.source } }
    }


    public func run() async throws {
        let parser = CodeParser()
        // Graceful shutdown cancels the sources (not a scan being decided: that call is synchronous).
        await cancelWhenGracefulShutdown {
            await self.runSources(parser: parser)
        }
        self.finished.store(true, ordering: .sequentiallyConsistent)
        // What was accepted before the sources stopped is typed before the keyboard goes away.
        self.typist?.drain()
        // Stay up (an idle pipeline) until shutdown, so the group does not stop when a replay ends.
        try? await gracefulShutdown()
    }

    private func runSources(parser: CodeParser) async {
        await withTaskGroup(of: Void.self) { group in
            for scanner in self.scanners {
                let source: any ScanSource
                do {
                    source = try SourceFactory.make(scanner) { status in
                        self.logger.info("scan source \(scanner.source): \(status)")
                    }
                } catch {
                    self.logger.error("scan source \(scanner.source) cannot start: \(error)")
                    self.setState(scanner, "failed", "\(error)")
                    continue
                }
                group.addTask {
                    do {
                        try await source.run { event in
                            await self.handle(event, scanner: scanner, parser: parser)
                        }
                        self.setState(scanner, "finished", nil)
                    } catch is CancellationError {
                        self.setState(scanner, "stopped", nil)
                    } catch {
                        self.logger.error("scan source \(scanner.source) failed: \(error)")
                        self.setState(scanner, "failed", "\(error)")
                    }
                }
            }
            await group.waitForAll()
        }
    }

    private func setState(_ scanner: ScannerConfiguration, _ state: String, _ detail: String?) {
        self.states.withLock { $0[scanner.source]?.state = state; $0[scanner.source]?.detail = detail }
    }

    private func handle(_ event: ScanEvent, scanner: ScannerConfiguration, parser: CodeParser) async {
        let entered = ContinuousClock.now
        let ticket = self.inHand.withLock { state in
            state.next += 1
            state.since[state.next] = entered
            return state.next
        }
        defer { _ = self.inHand.withLock { $0.since.removeValue(forKey: ticket) } }
        let operation = self.operations[event.role] ?? .verify
        // A partial scan could still look like a valid shorter code (a serial cut short): never parse it.
        let code = event.complete
            ? parser.parse(event.bytes) : ParsedCode(kind: .unknown, symbology: event.symbology, errors: [.incompleteScan])
        let asker = OperationDesk.Asker(lane: event.lane, role: event.role, operatorName: scanner.operatorName, time: event.lastReport, origin: .scanner)
        if event.role == .sale {
            await self.sell(code, event: event, scanner: scanner, by: asker, entered: entered)
            return
        }
        do {
            let answer = try await self.desk.perform(operation, on: code, by: asker, entered: entered)
            let recorded: String
            switch answer {
            case .recorded(let outcome): recorded = "event \(outcome.seq)"
            case .notJournaled: recorded = "not journaled: disk space low"
            }
            let decision = answer.decision
            let verdict = decision.result.isAccepted ? "ACCEPTED" : "REJECTED \(decision.result.rawValue)"
            let typed = decision.result.isAccepted ? self.passThrough(event, scanner: scanner) : ""
            self.answers("lane \(event.lane) (\(event.role.rawValue)) \(operation.rawValue) \(code.valid ? code.id ?? "-" : "-"): \(verdict): \(decision.reason) [\(recorded)]\(typed)")
        } catch {
            // The ledger could not decide (disk, corruption): the cashier must see that nothing was recorded.
            self.logger.error("lane \(event.lane): scan not recorded: \(error)")
            self.answers("lane \(event.lane) (\(event.role.rawValue)) \(operation.rawValue): NOT RECORDED: \(error); scan again or call the supervisor")
        }
    }

    /// A scanner-only till: the scan is a one-line basket.
    private func sell(_ code: ParsedCode, event: ScanEvent, scanner: ScannerConfiguration, by asker: OperationDesk.Asker,
                      entered: ContinuousClock.Instant) async {
        let desk = self.desk
        let id = code.valid ? code.id ?? "-" : "-"
        do {
            let answer = try await desk.ledger.async.run { _ in try desk.sellScan(code, by: asker, entered: entered) }
            switch answer {
            case .sold(let outcome):
                let typed = self.passThrough(event, scanner: scanner)
                self.answers("lane \(asker.lane) (sale) \(id): SOLD on receipt \(outcome.receipt) [event \(outcome.seq ?? 0)]\(typed)")
            case .refused(let refusal):
                let decision = refusal.decision
                self.answers("lane \(asker.lane) (sale) \(id): REJECTED \(decision.result.rawValue): \(decision.reason)")
            }
        } catch {
            self.logger.error("lane \(asker.lane): scan not recorded: \(error)")
            self.answers("lane \(asker.lane) (sale): NOT RECORDED: \(error); scan again or call the supervisor")
        }
    }

    /// Types an accepted scan on a pass-through lane; returns what the cashier's line adds: nothing when it was
    /// handed to the typist (or the lane has no pass-through), why not when the scan may not be typed.
    private func passThrough(_ event: ScanEvent, scanner: ScannerConfiguration) -> String {
        guard let settings = scanner.passThrough, let typist = self.typist else { return "" }
        switch settings.format.keys(typing: event.bytes) {
        case .success(let chords):
            guard typist.type(chords, lane: event.lane, keyDelay: .milliseconds(settings.keyDelayMilliseconds)) else {
                return "; NOT TYPED to the till: the virtual keyboard is stuck; key it in by hand"
            }
            return ""
        case .failure(let refusal):
            let count = self.notTyped.withLock { counts in
                counts[refusal.code, default: 0] += 1
                return counts.values.reduce(0, +)
            }
            self.logger.warning("lane \(event.lane): pass-through: accepted scan not typed: \(refusal) (\(count) not typed since start)")
            return "; NOT TYPED to the till: \(refusal); key it in by hand"
        }
    }

    /// Accepted scans that pass-through did not type, by reason (``PassThroughRefusal/code``).
    public var passThroughRefusals: [String: Int] { self.notTyped.withLock { $0 } }

    /// What pass-through did with accepted scans, as the gateway's counters (heartbeat, status, metrics) show it.
    private var passThroughCounts: [GatewayCounters.Counter: Int] {
        let typist = self.typist?.counters ?? PassThroughTypist.Counters()
        return [.passThroughTyped: typist.typed, .passThroughFailed: typist.failed, .passThroughDropped: typist.dropped,
                .passThroughRefused: self.notTyped.withLock { $0.values.reduce(0, +) }]
    }
}
