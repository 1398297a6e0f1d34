import Logging
import StoregateContract
import StoregateLedger
import StoregateMQTTClient

/// The send side of the uplink: hands libmosquitto the outbox's pending events within the window (``UplinkWindow``),
/// reading them in batches (``OutboxReadAhead``), and pauses after a refusal. Used on the MQTT loop thread only
/// (by ``UplinkLoop``).
final class UplinkSender {
    /// What a ``fill(resume:)`` did.
    enum FillResult: Equatable {
        /// `count` events handed to libmosquitto (possibly none: window full, nothing pending, paused).
        case published(count: Int)
        /// A publish failed after `count` others: the connection is unusable until the next CONNACK.
        case publishFailed(afterPublishing: Int)
    }

    private(set) var window: UplinkWindow
    private var readAhead: OutboxReadAhead
    /// After a refusal: nothing is sent before this.
    private var pausedUntil: ContinuousClock.Instant?
    private let ledger: Ledger
    private let client: MQTTClient
    private let logger: Logger
    private let eventsTopic: String

    init(configuration: HQLinkConfiguration, ledger: Ledger, client: MQTTClient, logger: Logger) {
        self.window = UplinkWindow(capacity: configuration.window, interleaveAfter: configuration.interleaveAfter)
        self.readAhead = OutboxReadAhead(batchSize: configuration.readAhead)
        self.ledger = ledger
        self.client = client
        self.logger = logger
        self.eventsTopic = configuration.topics.events
    }

    var isPaused: Bool { self.pausedUntil != nil }

    /// Starts over from the oldest pending event (a connect, the end of a pause, requeued events).
    func restart() throws {
        let summary = try self.ledger.outboxSummary()
        self.window.restart(oldestPending: summary.oldestUndeliveredSeq, backlog: summary.undelivered, headSeq: summary.headSeq)
        self.readAhead.invalidate()
        self.pausedUntil = nil
    }

    /// Abandons what is in flight (it stays unmarked and goes out again) and sends nothing for `duration`.
    func pause(for duration: Duration) {
        self.window.connectionLost()
        self.pausedUntil = .now + duration
    }

    func connectionLost() {
        self.window.connectionLost()
    }

    /// New events may have been committed: the next fill looks past the window's head again.
    func outboxMayHaveGrown() {
        self.window.outboxMayHaveGrown()
    }

    /// A PUBACK for `messageID`: what it acknowledged (or refused), as the window tracks it.
    func acknowledged(messageID: Int32, reasonCode: Int32) -> UplinkWindow.Ack {
        self.window.acknowledged(messageID: messageID, reasonCode: reasonCode)
    }

    /// Shed rows may sit in a read-ahead batch: they must not be sent.
    func outboxWasShed() {
        self.readAhead.invalidate()
    }

    /// Hands libmosquitto events until the window is full or nothing is pending. When a pause has run out,
    /// `resume` runs first (the delivery marks are committed) and the window restarts.
    func fill(resume: () -> Void) throws -> FillResult {
        if let pausedUntil = self.pausedUntil {
            guard ContinuousClock.now >= pausedUntil else { return .published(count: 0) }
            resume()
            try self.restart()
        }
        // Refill in chunks of at least a quarter window: fewer, fuller passes of the loop.
        guard self.window.free >= max(1, self.window.capacity / 4) || self.window.isEmpty else { return .published(count: 0) }
        var published = 0
        var emptyRanges = 0
        while self.window.free > 0 && emptyRanges < 2 {
            let range = self.window.nextRange()
            let ledger = self.ledger
            let entries = try self.readAhead.pending(from: range.from, before: range.before, limit: self.window.free) {
                try ledger.pendingOutbox(fromSeq: $0, beforeSeq: $1, limit: $2)
            }
            if entries.isEmpty {
                self.window.rangeWasEmpty(range)
                emptyRanges += 1
                continue
            }
            emptyRanges = 0
            for entry in entries {
                do {
                    let messageID = try self.client.publishEvent(
                        topic: self.eventsTopic, payload: entry.payload, seq: entry.seq, operation: entry.operation)
                    self.window.sent(seq: entry.seq, messageID: messageID)
                    published += 1
                } catch {
                    // Never retry a failed publish: on "no connection" libmosquitto has queued it already and a
                    // retry would duplicate it. The event is unmarked; the next connect sends it again.
                    self.logger.warning("publish of event \(entry.seq) failed: \(error); resending after reconnect")
                    self.window.connectionLost()
                    return .publishFailed(afterPublishing: published)
                }
            }
        }
        return .published(count: published)
    }

    /// Events made pending again behind the window's cursor (`storegate outbox requeue`, HQ's `requeue` command)
    /// are read again once the window is idle: the cursors only move forward, so without this they would wait for
    /// the next reconnect. Returns true when it restarted the window for them.
    func pickUpRequeued() throws -> Bool {
        guard self.pausedUntil == nil, self.window.isEmpty,
              let oldest = try self.ledger.pendingOutbox(fromSeq: 1, limit: 1).first?.seq,
              oldest < self.window.backlogCursor else { return false }
        self.logger.info("events from \(oldest) on are pending again (requeued): sending them")
        try self.restart()
        return true
    }
}
