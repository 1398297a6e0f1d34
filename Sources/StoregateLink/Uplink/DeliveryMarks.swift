import Dispatch
import StoregateCore
import StoregateFoundation
import StoregateLedger
import Synchronization

/// The delivery marks of acknowledged events: collected per PUBACK on the MQTT loop thread and committed durably
/// on a serial queue of their own, so that a commit (one UPDATE per run of seqs and an fsync) overlaps with the
/// network loop instead of stalling it. Owned by the loop (not shared).
///
/// At most `batchSize` events are acknowledged but not committed at any time, as when the loop committed them
/// itself (HQ's duplicates after a crash are bounded by it, docs/mqtt.md): marks are handed over in half batches
/// (or when the oldest has waited `interval`), and a half batch waits for the previous one to be committed.
struct DeliveryMarks {
    private let committer: Committer
    private let halfBatch: Int
    private let interval: Duration
    private var waiting: [Int64] = []
    private var oldestAt: ContinuousClock.Instant?

    init(ledger: Ledger, disk: DiskGuard?, batchSize: Int, intervalMilliseconds: Int) {
        self.committer = Committer(ledger: ledger, disk: disk)
        self.halfBatch = max(1, batchSize / 2)
        self.interval = .milliseconds(intervalMilliseconds)
    }

    /// True when every mark handed in is committed.
    var isSettled: Bool { self.waiting.isEmpty && self.committer.isIdle }

    /// A PUBACK for `seq` (reason < 0x80) arrived.
    mutating func add(_ seq: Int64) {
        self.waiting.append(seq)
        if self.oldestAt == nil { self.oldestAt = .now }
        if self.waiting.count >= self.halfBatch { self.handOver() }
    }

    /// Hands the waiting marks to the committer if the oldest has waited long enough; returns a commit's failure
    /// since the last call. A failed commit loses nothing: those events stay unmarked and are sent again (HQ
    /// dedups), so the link keeps going rather than stopping the gateway over, say, a full disk.
    mutating func tick() -> (any Error)? {
        if let oldestAt = self.oldestAt, ContinuousClock.now - oldestAt >= self.interval { self.handOver() }
        return self.committer.takeFailure()
    }

    /// Commits everything handed in so far and waits for it: before the outbox is read afresh (a restart of the
    /// window must not resend what was acknowledged) and at shutdown. Returns a commit's failure, as ``tick()``.
    mutating func commitAll() -> (any Error)? {
        self.handOver()
        self.committer.waitUntilIdle()
        return self.committer.takeFailure()
    }

    /// Starts committing the waiting marks without waiting (a lost connection: nothing reads the outbox until the
    /// next CONNACK, which calls ``commitAll()``).
    mutating func handOver() {
        guard !self.waiting.isEmpty else { return }
        self.committer.waitForTheLastBatch()
        self.committer.commit(self.waiting)
        self.waiting = []
        self.waiting.reserveCapacity(self.halfBatch)
        self.oldestAt = nil
    }

    /// The queue and what it reports back; everything shared with the queue is Sendable or behind a lock.
    private final class Committer: Sendable {
        private let ledger: Ledger
        private let disk: DiskGuard?
        private let queue = DispatchQueue(label: "storegate.delivery-marks")
        private let outstanding = Atomic<Int>(0)
        private let failure = Mutex<(any Error)?>(nil)

        init(ledger: Ledger, disk: DiskGuard?) {
            self.ledger = ledger
            self.disk = disk
        }

        var isIdle: Bool { self.outstanding.load(ordering: .acquiring) == 0 }

        func commit(_ seqs: [Int64]) {
            self.outstanding.add(1, ordering: .relaxed)
            self.queue.async { [self] in
                do {
                    let mark = { try self.ledger.markDelivered(seqs: seqs, at: .now) }
                    // Through the disk guard: a full disk gives up its reserve rather than stall deliveries.
                    if let disk = self.disk { try disk.write(mark) } else { try mark() }
                } catch {
                    self.failure.withLock { if $0 == nil { $0 = error } }
                }
                self.outstanding.subtract(1, ordering: .releasing)
            }
        }

        /// Returns once nothing is being committed (at once, without a queue round trip, when nothing is).
        func waitForTheLastBatch() {
            if !self.isIdle { self.queue.sync {} }
        }

        func waitUntilIdle() {
            self.queue.sync {}
        }

        func takeFailure() -> (any Error)? {
            self.failure.withLock { failure in
                defer { failure = nil }
                return failure
            }
        }
    }
}
