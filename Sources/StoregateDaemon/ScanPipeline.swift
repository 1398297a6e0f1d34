import Foundation
public import Logging
public import ServiceLifecycle
public import StoregateCore
public import StoregateLedger
public import StoregateMQTT
import StoregateScanners
import StoregateTrust
import Synchronization

/// Scan sources → parse → signature check → `Ledger.apply` → the cashier's answer → the HQ link, as a `Service`.
///
/// Each scan is decided and committed before the next one from the same source is read; on graceful shutdown the
/// sources are cancelled but a scan already in hand is finished (the ledger call is synchronous).
public final class ScanPipeline: Service, Sendable {
    private let ledger: Ledger
    private let disk: DiskGuard
    private let scanners: [ScannerConfiguration]
    private let operations: [LaneRole: StoregateCore.Operation]
    private let link: HQLink?
    private let counters: GatewayCounters
    private let logger: Logger
    private let answers: @Sendable (String) -> Void
    private let latency: ScanLatencyRecorder?
    private let states = Mutex<[String: ScannerStatus]>([:])
    private let finished = Atomic<Bool>(false)

    /// `answers` receives one line per decision: what the cashier sees.
    public init(ledger: Ledger, disk: DiskGuard, scanners: [ScannerConfiguration], operations: [LaneRole: StoregateCore.Operation], link: HQLink?,
                counters: GatewayCounters, logger: Logger, latency: ScanLatencyRecorder? = nil,
                answers: @escaping @Sendable (String) -> Void) {
        self.latency = latency
        self.ledger = ledger
        self.disk = disk
        self.scanners = scanners
        self.operations = operations
        self.link = link
        self.counters = counters
        self.logger = logger
        self.answers = answers
        for scanner in scanners {
            self.states.withLock {
                $0[scanner.source] = ScannerStatus(source: scanner.source, lane: scanner.lane, role: scanner.role.rawValue, state: "running")
            }
        }
    }

    /// True once every source has ended (a replay at its end); devices never end.
    public var sourcesFinished: Bool { self.finished.load(ordering: .sequentiallyConsistent) }

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
                            self.handle(event, scanner: scanner, parser: parser)
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

    private func handle(_ event: ScanEvent, scanner: ScannerConfiguration, parser: CodeParser) {
        let entered = ContinuousClock.now
        self.counters.bump(.scans)
        let operation = self.operations[event.role] ?? .verify
        // A partial scan could still look like a valid shorter code (a serial cut short): never parse it.
        let code = event.complete
            ? parser.parse(event.bytes) : ParsedCode(kind: .unknown, symbology: event.symbology, errors: [.incompleteScan])
        do {
            let keys = try self.ledger.trustedKeys()
            let context = DecisionContext(lane: event.lane, operator: scanner.operatorName, role: event.role, time: event.lastReport)
            let request = OperationRequest(operation: operation, code: code, signature: keys.check(code), context: context)
            let decision: Decision
            let recorded: String
            switch try self.disk.apply(request) {
            case .recorded(let outcome):
                if !outcome.replayed { self.latency?.scan(enteredAt: entered, committedAs: outcome.seq) }
                self.link?.outboxChanged()
                decision = outcome.decision
                recorded = "event \(outcome.seq)"
            case .notJournaled(let answer):
                decision = answer
                recorded = "not journaled: disk space low"
            }
            self.counters.bump(decision.result.isAccepted ? .accepted : .rejected)
            let verdict = decision.result.isAccepted ? "ACCEPTED" : "REJECTED \(decision.result.rawValue)"
            self.answers("lane \(event.lane) (\(event.role.rawValue)) \(operation.rawValue) \(code.valid ? code.id ?? "-" : "-"): \(verdict): \(decision.reason) [\(recorded)]")
        } catch {
            // The ledger could not decide (disk, corruption): the cashier must see that nothing was recorded.
            self.counters.bump(.rejected)
            self.logger.error("lane \(event.lane): scan not recorded: \(error)")
            self.answers("lane \(event.lane) (\(event.role.rawValue)) \(operation.rawValue): NOT RECORDED: \(error); scan again or call the supervisor")
        }
    }
}
