public import StoregateContract
public import StoregateCore
public import StoregateLedger
public import StoregateLink
import StoregateTrust

/// The one path every operation takes, whether a scanner scanned the code or the POS asked over the API:
/// signature check → ``DiskGuard/apply(_:)`` (→ `Ledger.apply`) → wake the HQ link → counters → the decision stream.
/// The daemon, the POS API, the operation commands and `bench redeem` all decide through it.
///
/// The signature is checked against the ledger's cached key ring (`Ledger.currentTrustedKeys`): it is read once
/// and again only after the keys change (a downlink `keys` message, `ledger keys add` from another process).
public final class OperationDesk: Sendable {
    /// Who asks: the lane, its role (which decides what it may do), the operator and when.
    public struct Asker: Sendable {
        public var lane: String
        public var role: LaneRole
        public var operatorName: String
        public var time: Timestamp
        public var origin: DecisionEvent.Origin

        public init(lane: String, role: LaneRole, operatorName: String, time: Timestamp, origin: DecisionEvent.Origin) {
            self.lane = lane
            self.role = role
            self.operatorName = operatorName
            self.time = time
            self.origin = origin
        }
    }

    public let ledger: Ledger
    public let disk: DiskGuard
    public let counters: GatewayCounters
    public let decisions: DecisionStream
    let link: HQLink?
    let latency: ScanLatencyRecorder?

    public init(ledger: Ledger, disk: DiskGuard, link: HQLink? = nil, counters: GatewayCounters = GatewayCounters(),
                decisions: DecisionStream = DecisionStream(), latency: ScanLatencyRecorder? = nil) {
        self.ledger = ledger
        self.disk = disk
        self.link = link
        self.counters = counters
        self.decisions = decisions
        self.latency = latency
    }

    /// Decides and records one operation. A repeated idempotency key returns the first answer, writes nothing and
    /// is not published again.
    /// - Parameter entered: when the scan entered the gateway, for the scan → PUBACK latency figures.
    /// - Throws: when the ledger could not decide (disk, corruption; nothing was recorded), or ``LedgerError``
    ///   `idempotencyKeyReused`.
    public func perform(_ operation: Operation, on code: ParsedCode, by asker: Asker, idempotencyKey: String? = nil,
                        entered: ContinuousClock.Instant = .now) throws -> GuardedOutcome {
        self.counters.bump(.scans)
        let answer: GuardedOutcome
        do {
            let keys = try self.ledger.currentTrustedKeys()
            let context = DecisionContext(lane: asker.lane, operator: asker.operatorName, role: asker.role, time: asker.time)
            answer = try self.disk.apply(OperationRequest(
                operation: operation, code: code, signature: keys.check(code), context: context, idempotencyKey: idempotencyKey))
        } catch {
            self.counters.bump(.rejected)
            throw error
        }
        let decision = answer.decision
        self.counters.bump(decision.result.isAccepted ? .accepted : .rejected)
        self.counters.count(decision.result)
        var seq: Int64?
        var eventID: String?
        if case .recorded(let outcome) = answer {
            self.link?.outboxChanged()
            if outcome.replayed { return answer }
            self.latency?.scan(enteredAt: entered, committedAs: outcome.seq)
            seq = outcome.seq
            eventID = outcome.eventID
        }
        self.decisions.publish(DecisionEvent(
            seq: seq, eventID: eventID, time: asker.time, lane: asker.lane, role: asker.role, operatorName: asker.operatorName,
            operation: JournalOperation(operation), codeID: code.valid ? code.id : nil, result: decision.result, reason: decision.reason, origin: asker.origin))
        return answer
    }

    /// ``perform(_:on:by:idempotencyKey:entered:)`` for async callers (the scan pipeline, the POS API): the whole
    /// path — signature check, disk guard, the fsync'd commit — runs on the ledger's thread while the caller is
    /// suspended, so no thread of the cooperative pool blocks on it.
    public func perform(_ operation: Operation, on code: ParsedCode, by asker: Asker, idempotencyKey: String? = nil,
                        entered: ContinuousClock.Instant = .now) async throws -> GuardedOutcome {
        try await self.ledger.async.run { _ in
            try self.perform(operation, on: code, by: asker, idempotencyKey: idempotencyKey, entered: entered)
        }
    }

    /// The HQ link's last status, when the desk runs in the daemon.
    public var linkStatus: GatewayStatus? { self.link?.status }
}
