import Foundation
import GRDB
public import StoregateCore
public import StoregateFoundation
import Synchronization

/// How the gateway protects redemptions from a full disk (`[disk]` in the config).
public struct DiskGuardConfiguration: Sendable, Equatable {
    /// Size of the reserve file given back when a write finds the disk full; 0 disables it.
    public var reserveBytes: Int64 = 64 << 20
    /// Below this much free space, telemetry is shed: verifies are answered but not journaled, and delivered
    /// outbox rows are pruned at once.
    public var lowSpaceBytes: Int64 = 256 << 20
    /// Delivered (or shed) outbox rows older than this are pruned in normal operation (the journal keeps the events).
    public var keepDeliveredMilliseconds: Int64 = 7 * 86_400_000
    /// Idempotency keys older than this are pruned (a POS retries within minutes).
    public var keepIdempotencyKeysMilliseconds: Int64 = 30 * 86_400_000

    public init() {}
}

/// What ``DiskGuard/apply(_:)`` did with a request.
public enum GuardedOutcome: Sendable, Equatable {
    /// Decided and committed, as ``Ledger/apply(_:)``.
    case recorded(OperationOutcome)
    /// A verify answered from the ledger without writing (telemetry shed while space is low).
    case notJournaled(Decision)

    public var decision: Decision {
        switch self {
        case .recorded(let outcome): outcome.decision
        case .notJournaled(let decision): decision
        }
    }
}

/// Stands between the scan pipeline and ``Ledger/apply(_:)`` so that a filling disk degrades telemetry first and
/// never refuses a redemption while the reserve lasts:
///
/// 1. normal: everything is journaled; delivered or shed outbox rows older than a week and idempotency keys older than
///    30 days are pruned hourly;
/// 2. low space: verifies are answered without a journal event, delivered and shed outbox rows are pruned and the WAL is
///    truncated;
/// 3. a write finds the disk full (`SQLITE_FULL`): the reserve file is deleted and the same request is applied
///    again (the failed transaction rolled back, so nothing is doubled); the status says so until an operator
///    frees space, after which the reserve is taken again.
public final class DiskGuard: Sendable {
    private struct State {
        var freeBytes: Int64?
        var lowSpace = false
        var reserveReleasedMs: Int64?
        var verifiesNotJournaled = 0
        var lastPrune: ContinuousClock.Instant?
    }

    private let ledger: Ledger
    private let reserve: DiskReserve
    private let configuration: DiskGuardConfiguration
    private let directory: String
    private let report: @Sendable (String) -> Void
    private let state = Mutex(State())

    /// `report` receives one sentence per change of state (for the log).
    public init(ledger: Ledger, configuration: DiskGuardConfiguration, report: @escaping @Sendable (String) -> Void = { _ in }) {
        self.ledger = ledger
        self.configuration = configuration
        self.reserve = DiskReserve(ledgerPath: ledger.path, bytes: configuration.reserveBytes)
        self.directory = (ledger.path as NSString).deletingLastPathComponent
        self.report = report
    }

    public var status: DiskStatus {
        self.state.withLock { state in
            DiskStatus(freeBytes: state.freeBytes, lowSpace: state.lowSpace, reserveBytes: self.configuration.reserveBytes,
                       reserveHeld: self.reserve.isHeld, reserveReleasedMs: state.reserveReleasedMs,
                       verifiesNotJournaled: state.verifiesNotJournaled)
        }
    }

    /// Decides and records `request`, or answers a verify without recording it while space is low.
    public func apply(_ request: OperationRequest) throws -> GuardedOutcome {
        let lowSpace = self.look()
        if lowSpace && request.operation == .verify {
            let decision = try self.ledger.evaluate(request)
            self.state.withLock { $0.verifiesNotJournaled += 1 }
            return .notJournaled(decision)
        }
        return .recorded(try self.write { try self.ledger.apply(request) })
    }

    /// ``maintain()`` on the ledger's thread (free space, pruning and the reserve file all block), for async callers.
    public func maintainOffThePool() async {
        _ = try? await self.ledger.async.run { _ in self.maintain() }
    }

    /// Runs a ledger write; if it finds the disk full, releases the reserve and runs it once more. Every write the
    /// daemon makes goes through here (operations, delivery marks, downlink), so a full disk never stops it.
    /// `body` must be one transaction: a failed one rolled back, so running it again doubles nothing.
    public func write<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
            self.releaseReserve()
            return try body()
        }
    }

    /// Periodic upkeep (the daemon calls it every few seconds): re-reads free space, prunes delivered and shed outbox rows,
    /// and takes the reserve again once there is room for it and the low-space margin.
    public func maintain() {
        _ = self.look()
        let (free, due) = self.state.withLock { state -> (Int64?, Bool) in
            let due = state.lastPrune.map { ContinuousClock.now - $0 >= .seconds(3_600) } ?? true
            if due { state.lastPrune = .now }
            return (state.freeBytes, due)
        }
        if due {
            self.prune(settledBefore: Timestamp(milliseconds: Self.now - self.configuration.keepDeliveredMilliseconds))
            do {
                try self.ledger.pruneIdempotencyKeys(
                    createdBefore: Timestamp(milliseconds: Self.now - self.configuration.keepIdempotencyKeysMilliseconds))
            } catch {
                self.report("cannot prune idempotency keys: \(error)")
            }
        }
        guard self.configuration.reserveBytes > 0, !self.reserve.isHeld,
              let free, free >= self.configuration.reserveBytes + self.configuration.lowSpaceBytes else { return }
        do {
            try self.reserve.hold()
            let wasReleased = self.state.withLock { state -> Bool in
                defer { state.reserveReleasedMs = nil }
                return state.reserveReleasedMs != nil
            }
            self.report(wasReleased ? "disk space is back: the \(self.reserveMiB) MiB reserve is held again"
                                    : "holding a \(self.reserveMiB) MiB disk reserve at \(self.reserve.path)")
            _ = self.look()
        } catch {
            self.report("\(error)")
        }
    }

    /// Reads free space and updates the low-space state; on entering it, makes room at once. Returns whether
    /// space is low.
    private func look() -> Bool {
        let free = DiskSpace.available(at: self.directory)
        let threshold = self.configuration.lowSpaceBytes
        let (low, changed) = self.state.withLock { state -> (Bool, Bool) in
            state.freeBytes = free
            // Running on the released reserve is an emergency however much it freed: telemetry stays shed
            // until the reserve is held again.
            let low = (free.map { $0 < threshold } ?? false) || state.reserveReleasedMs != nil
            defer { state.lowSpace = low }
            return (low, low != state.lowSpace)
        }
        if changed && low {
            self.report("low disk space (\((free ?? 0) >> 20) MiB free, threshold \(threshold >> 20) MiB): verifies are "
                + "no longer journaled; pruning delivered and shed outbox rows")
            self.prune(settledBefore: Timestamp(milliseconds: .max))
        } else if changed {
            self.report("disk space is back above \(threshold >> 20) MiB: verifies are journaled again")
        }
        return low
    }

    private func releaseReserve() {
        let released = self.reserve.release()
        let (wasLow, alreadyReleased) = self.state.withLock { state -> (Bool, Bool) in
            defer { state.reserveReleasedMs = state.reserveReleasedMs ?? Self.now }
            return (state.lowSpace, state.reserveReleasedMs != nil)
        }
        // Said once per emergency: every refused write of a disk with no reserve left would repeat it otherwise.
        guard released > 0 || !alreadyReleased else { return }
        self.report(released > 0
            ? "the disk is full: released the \(released >> 20) MiB reserve so redemptions still commit; free space on \(self.directory) now"
            : "the disk is full and no reserve is left to give back (\(self.directory)): operations fail until space is freed")
        // Entering low space prunes; if space was already low, prune what was delivered or shed since.
        if wasLow { self.prune(settledBefore: Timestamp(milliseconds: .max)) }
        _ = self.look()
    }

    private func prune(settledBefore time: Timestamp) {
        do {
            let pruned = try self.ledger.pruneSettledOutbox(settledBefore: time)
            if pruned > 0 { try self.ledger.checkpointAndTruncateWAL() }
        } catch {
            self.report("cannot prune the outbox: \(error)")
        }
    }

    private var reserveMiB: Int64 { self.configuration.reserveBytes >> 20 }

    private static var now: Int64 { Timestamp.now.milliseconds }
}
