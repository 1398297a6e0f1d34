import Foundation
import Logging
import StoregateContract
import StoregateCore
import StoregateFoundation
import StoregateLedger
import StoregateMQTTClient

/// The HQ link's uplink, driven by the MQTT client's loop thread (``MQTTLoopDriver``): a PUBACK is handled where
/// libmosquitto reports it and the next events are published in the same pass of the loop, written together with
/// the others of that pass. A drain therefore costs no thread hop and no task wake-up per message.
///
/// Everything in here is touched only on that thread, one call at a time (hence `@unchecked Sendable` and no
/// locks): a PUBACK is always processed after the publish that produced its message id. Other threads reach it
/// only through the link's atomics ("the outbox grew", "shut down") followed by a wake-up of the loop. The outbox
/// is read on this thread in large batches (``OutboxReadAhead``); delivery marks are committed in small batches
/// through the ledger's single writer on a queue of their own (``DeliveryMarks``), which `Ledger.apply` only
/// queues behind — neither ever waits for this thread.
final class UplinkLoop: MQTTLoopDriver, @unchecked Sendable {
    private enum Phase {
        case running
        /// Shutting down: waiting until `deadline` for the PUBACKs of what is in flight and of the offline status.
        case finishing(deadline: ContinuousClock.Instant, offlineStatus: Int32?)
        case done
    }

    private let link: HQLink
    private let client: MQTTClient
    private let eventsTopic: String
    private var phase = Phase.running
    private var window: UplinkWindow
    private var readAhead: OutboxReadAhead
    private var marks: DeliveryMarks
    /// Set by whatever may let more events go out (a PUBACK, the outbox grew, a connect, a tick); the fill
    /// happens once per pass of the loop, after all the PUBACKs that arrived together were handled.
    private var needsFill = false
    private var connected = false
    private var connectedSince: Int64?
    private var pausedUntil: ContinuousClock.Instant?
    private var refusal: String?
    private var lastError: String?
    /// Message ids of our own status/report publishes: their PUBACKs are not outbox deliveries.
    private var controlMessageIDs: Set<Int32> = []
    private var lastTick = ContinuousClock.now
    private var lastHeartbeat = ContinuousClock.now
    private var lastShedCheck = ContinuousClock.now
    private var lastSync: Int64?
    /// Counted here and added to the shared counters once per tick: they take a lock, this runs per message.
    private var unreportedPublished = 0
    private var unreportedDelivered = 0
    /// Events published and acknowledged on the current connection, and how many connections in a row ended
    /// with events published and none acknowledged: mosquitto 2.0 drops a client right after an ACL-denied
    /// publish, and the PUBACK carrying 0x87 is often lost with the connection (TCP reset).
    private var publishedThisConnection = 0
    private var acknowledgedThisConnection = 0
    private var silentDrops = 0
    /// Why the uplink stopped with an error (a ledger failure); the link's `run` throws it.
    private(set) var failure: (any Error)?

    static let tickMilliseconds = 20

    init(link: HQLink) {
        self.link = link
        self.client = link.linkClient
        self.eventsTopic = link.linkConfiguration.topics.events
        self.window = UplinkWindow(capacity: link.linkConfiguration.window, interleaveAfter: link.linkConfiguration.interleaveAfter)
        self.readAhead = OutboxReadAhead(batchSize: link.linkConfiguration.readAhead)
        self.marks = DeliveryMarks(ledger: link.linkLedger, disk: link.linkDisk, batchSize: link.linkConfiguration.markBatch,
                                   intervalMilliseconds: link.linkConfiguration.markIntervalMilliseconds)
    }

    private var configuration: HQLinkConfiguration { self.link.linkConfiguration }
    private var ledger: Ledger { self.link.linkLedger }
    private var logger: Logger { self.link.linkLogger }
    private var isRunning: Bool { if case .running = self.phase { true } else { false } }

    /// Before the loop thread starts: the first status (offline until the CONNACK).
    func prepare() {
        self.lastSync = try? self.ledger.lastDownlinkSync()?.milliseconds
        self.remember(state: "offline")
    }

    // MARK: - The loop thread's calls

    func handle(_ event: MQTTEvent) {
        if case .done = self.phase { return }
        do {
            try self.handleThrowing(event)
        } catch {
            self.fail(error)
        }
    }

    func loopPassed() {
        do {
            switch self.phase {
            case .done:
                return
            case .finishing(let deadline, let offlineStatus):
                let offlinePending = offlineStatus.map { self.controlMessageIDs.contains($0) } ?? false
                if !self.connected || ContinuousClock.now >= deadline || (self.window.isEmpty && !offlinePending) {
                    try self.completeShutdown()
                }
                return
            case .running:
                break
            }
            if self.link.takeShutdownRequest() {
                try self.beginShutdown()
                return
            }
            if self.link.takeOutboxChanged() {
                self.window.outboxMayHaveGrown()
                self.needsFill = true
            }
            if ContinuousClock.now - self.lastTick >= .milliseconds(Self.tickMilliseconds) {
                self.lastTick = .now
                try self.tick()
                if self.isDrained() {
                    self.logger.info("outbox drained and sources finished: stopping")
                    try self.beginShutdown()
                    return
                }
            }
            if self.needsFill { try self.fill() }
        } catch {
            self.fail(error)
        }
    }

    // MARK: - Shutdown

    /// Says offline and waits (in later passes, see ``loopPassed()``) a little for the PUBACKs of what is in flight.
    private func beginShutdown() throws {
        guard self.connected else { return try self.completeShutdown() }
        let offline = self.publishStatus(state: "offline")
        self.phase = .finishing(
            deadline: .now + .milliseconds(self.configuration.shutdownFlushMilliseconds), offlineStatus: offline)
    }

    /// Commits the marks, records the offline status and lets the client disconnect and end its loop.
    private func completeShutdown() throws {
        self.phase = .done
        self.noteMarkFailure(self.marks.commitAll())
        self.reportCounters()
        if !self.window.isEmpty {
            self.logger.info("shutting down with events in flight; they stay in the outbox and are sent next run",
                             metadata: ["in_flight": "\(self.window.inFlight.count)"])
        }
        self.remember(state: "offline")
        self.client.stop()
    }

    /// A delivery mark that could not be committed (e.g. the disk is full and its reserve used up): the events stay
    /// unmarked and go out again after the next reconnect; say so, keep delivering.
    private func noteMarkFailure(_ error: (any Error)?) {
        guard let error else { return }
        self.lastError = "cannot record deliveries in the ledger (\(error)); those events will be sent again"
        self.logger.error("\(self.lastError ?? "")")
        self.publishStatus(state: self.connected ? "online" : "offline")
    }

    /// A ledger failure: stop the link (its `run` throws the error; unmarked events stay in the outbox).
    private func fail(_ error: any Error) {
        self.logger.error("HQ link stopped: \(error)")
        self.failure = error
        self.phase = .done
        self.client.stop()
    }

    private func isDrained() -> Bool {
        // Connected for a second at least: downlink the broker queued for our session arrives right after CONNACK.
        guard self.configuration.exitWhenDrained, self.connected, self.window.isEmpty, self.marks.isSettled,
              self.link.areSourcesFinished, let since = self.connectedSince,
              Timestamp.now.milliseconds - since >= 1_000 else { return false }
        return (try? self.ledger.pendingOutbox(fromSeq: 1, limit: 1).isEmpty) ?? false
    }

    // MARK: - Broker events

    private func handleThrowing(_ event: MQTTEvent) throws {
        switch event {
        case .connected(let sessionPresent):
            self.connected = true
            self.publishedThisConnection = 0
            self.acknowledgedThisConnection = 0
            self.connectedSince = Timestamp.now.milliseconds
            self.lastError = nil
            self.link.linkCounters.bump(.reconnects)
            self.logger.info("connected to \(self.configuration.brokerDescription)", metadata: ["session_present": "\(sessionPresent)"])
            // Marks first: an acknowledged event must not be sent again just because its mark was not committed yet.
            self.noteMarkFailure(self.marks.commitAll())
            try self.restartWindow()
            if self.link.linkDownlink != nil {
                for filter in [self.configuration.topics.storeDownlinkFilter, TopicScheme.broadcastDownlinkFilter] {
                    do {
                        try self.client.subscribe(filter)
                    } catch {
                        self.logger.error("cannot subscribe to \(filter): \(error)")
                    }
                }
            }
            self.publishStatus(state: "online")
            self.needsFill = true
        case .connectFailed(let reason):
            self.lastError = reason
            self.logger.warning("\(reason); retrying with backoff")
            self.remember(state: "offline")
        case .disconnected(let reason):
            self.connected = false
            self.window.connectionLost()
            self.controlMessageIDs.removeAll()
            self.lastError = reason.isEmpty ? nil : "connection lost: \(reason)"
            self.logger.warning("disconnected from \(self.configuration.brokerDescription): \(reason)")
            if self.publishedThisConnection > 0 && self.acknowledgedThisConnection == 0 {
                self.silentDrops += 1
                if self.silentDrops >= 3 && self.refusal == nil {
                    self.refusal = "the broker closed the connection \(self.silentDrops) times in a row right after we "
                        + "published to \(self.configuration.topics.events), acknowledging nothing: it probably refuses "
                        + "this topic (Not authorized); check the broker's ACL for this gateway"
                    self.logger.error("\(self.refusal ?? "")")
                }
            } else if self.acknowledgedThisConnection > 0 {
                self.silentDrops = 0
            }
            self.marks.handOver()
            self.remember(state: "offline")
        case .acknowledged(let messageID, let reasonCode):
            if self.controlMessageIDs.remove(messageID) != nil { return }
            switch self.window.acknowledged(messageID: messageID, reasonCode: reasonCode) {
            case .delivered(let seq):
                self.unreportedDelivered += 1
                self.link.latencyRecorder?.acknowledged(seq: seq)
                self.acknowledgedThisConnection += 1
                self.silentDrops = 0
                if self.refusal != nil {
                    self.refusal = nil
                    self.publishStatus(state: "online")
                }
                self.marks.add(seq)
            case .refused(let seq, let reasonCode):
                self.link.linkCounters.bump(.refused)
                self.onRefusal(seq: seq, reasonCode: reasonCode)
            case .unknown:
                break
            }
            self.needsFill = true
        case .subscribed:
            break
        case .message(let topic, let payload, _):
            self.onDownlink(topic: topic, payload: payload)
        }
    }

    private func onRefusal(seq: Int64, reasonCode: Int32) {
        let reason = "broker refused event \(seq) on \(self.configuration.topics.events): "
            + "\(MQTTReasonCode.describe(reasonCode)); check the broker's ACL for this gateway"
        if self.refusal == nil { self.logger.error("\(reason)") }
        self.refusal = reason
        // Everything in flight is abandoned (it is unmarked, so it is sent again after the pause).
        self.window.connectionLost()
        self.pausedUntil = .now + .milliseconds(self.configuration.refusedRetryMilliseconds)
        self.publishStatus(state: "online")
    }

    /// Applied here, synchronously, on the loop thread, and that is what makes downlink durable: in threaded mode
    /// libmosquitto only queues the PUBACK while it reads a message, and `mosquitto_loop_write` sends it after this
    /// returns, so the broker hears the message was received only once its change is committed. A gateway killed
    /// mid-apply gets the message again on reconnect (DownlinkCrashTests). Handing the work to another thread
    /// would acknowledge messages not yet applied.
    private func onDownlink(topic: String, payload: [UInt8]) {
        guard let downlink = self.link.linkDownlink else { return }
        let report = downlink.process(topic: topic, payload: payload)
        if report.outcome == .applied {
            self.link.linkCounters.bump(.downlinkApplied)
            self.lastSync = report.time
        } else if report.outcome == .rejected {
            self.link.linkCounters.bump(.downlinkRejected)
        }
        guard self.connected, let bytes = try? HQJSON.encode(report) else { return }
        if let messageID = try? self.client.publish(topic: self.configuration.topics.downlinkReports, payload: bytes) {
            self.controlMessageIDs.insert(messageID)
        }
    }

    // MARK: - Sending

    private func restartWindow() throws {
        let summary = try self.ledger.outboxSummary()
        self.window.restart(oldestPending: summary.oldestUndeliveredSeq, backlog: summary.undelivered, headSeq: summary.headSeq)
        self.readAhead.invalidate()
        self.pausedUntil = nil
    }

    /// Hands libmosquitto events until the window is full or nothing is pending.
    private func fill() throws {
        self.needsFill = false
        guard self.connected, self.isRunning, self.client.isConnected else { return }
        if let pausedUntil = self.pausedUntil {
            guard ContinuousClock.now >= pausedUntil else { return }
            self.noteMarkFailure(self.marks.commitAll())
            try self.restartWindow()
        }
        // Refill in chunks of at least a quarter window: fewer, fuller passes of the loop.
        guard self.window.free >= max(1, self.window.capacity / 4) || self.window.isEmpty else { return }
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
                    self.publishedThisConnection += 1
                    self.unreportedPublished += 1
                } catch {
                    // Never retry a failed publish: on "no connection" libmosquitto has queued it already and a
                    // retry would duplicate it. The event is unmarked; the next connect sends it again.
                    self.logger.warning("publish of event \(entry.seq) failed: \(error); resending after reconnect")
                    // Wait for the next CONNACK: publishing again now would queue a second copy.
                    self.connected = false
                    self.window.connectionLost()
                    return
                }
            }
        }
    }

    /// Events made pending again behind the window's cursor (`storegate outbox requeue`, HQ's `requeue` command)
    /// are read again once the window is idle: the cursors only move forward, so without this they would wait for
    /// the next reconnect.
    private func pickUpRequeued() throws {
        guard self.connected, self.pausedUntil == nil, self.window.isEmpty, self.marks.isSettled,
              let oldest = try self.ledger.pendingOutbox(fromSeq: 1, limit: 1).first?.seq,
              oldest < self.window.backlogCursor else { return }
        self.logger.info("events from \(oldest) on are pending again (requeued): sending them")
        try self.restartWindow()
        self.needsFill = true
    }

    private func tick() throws {
        self.reportCounters()
        self.noteMarkFailure(self.marks.tick())
        if ContinuousClock.now - self.lastShedCheck >= .seconds(5) {
            self.lastShedCheck = .now
            let shed: Int
            do {
                shed = try self.ledger.shedTelemetry(keepingAtMost: self.configuration.shedTelemetryAbove, at: .now)
            } catch {
                // Nothing depends on it now; the next check tries again.
                self.logger.error("cannot shed telemetry: \(error)")
                shed = 0
            }
            if shed > 0 {
                // Shed rows may sit in a read-ahead batch: they must not be sent.
                self.readAhead.invalidate()
                self.logger.warning("backlog over \(self.configuration.shedTelemetryAbove): shed \(shed) verify events (telemetry)")
            }
            try self.pickUpRequeued()
        }
        if ContinuousClock.now - self.lastHeartbeat >= .milliseconds(self.configuration.heartbeatIntervalMilliseconds) {
            self.lastHeartbeat = .now
            self.publishHeartbeat()
        }
        self.window.outboxMayHaveGrown()
        self.needsFill = true
    }

    private func reportCounters() {
        if self.unreportedPublished > 0 {
            self.link.linkCounters.bump(.published, by: self.unreportedPublished)
            self.unreportedPublished = 0
        }
        if self.unreportedDelivered > 0 {
            self.link.linkCounters.bump(.delivered, by: self.unreportedDelivered)
            self.unreportedDelivered = 0
        }
    }

    // MARK: - Status

    private func makeStatus(state: String) -> GatewayStatus {
        self.reportCounters()
        let summary = (try? self.ledger.outboxSummary()) ?? OutboxSummary()
        let now = Timestamp.now.milliseconds
        return GatewayStatus(
            state: state, gatewayId: self.configuration.topics.gatewayID, storeId: self.configuration.topics.storeID,
            version: self.configuration.version, timeMs: now, broker: self.configuration.brokerDescription,
            backlog: summary.undelivered, oldestUndeliveredSeq: summary.oldestUndeliveredSeq,
            oldestUndeliveredAgeMs: summary.oldestUndeliveredMilliseconds.map { max(0, now - $0) }, shed: summary.shed,
            lastDownlinkSyncMs: self.lastSync, uplinkRefusal: self.refusal, lastError: self.lastError,
            scanners: self.link.scannerStatus, counters: self.link.linkCounters.snapshot, disk: self.link.diskStatus)
    }

    private func remember(state: String) {
        self.link.remember(self.makeStatus(state: state))
    }

    /// Publishes the retained status; returns its message id.
    @discardableResult
    private func publishStatus(state: String) -> Int32? {
        let status = self.makeStatus(state: state)
        self.link.remember(status)
        guard self.connected, let bytes = try? HQJSON.encode(status) else { return nil }
        guard let messageID = try? self.client.publish(topic: self.configuration.topics.status, payload: bytes, retain: true)
        else { return nil }
        self.controlMessageIDs.insert(messageID)
        return messageID
    }

    private func publishHeartbeat() {
        let status = self.makeStatus(state: self.connected ? "online" : "offline")
        self.link.remember(status)
        guard self.connected else { return }
        let heartbeat = GatewayHeartbeat(
            gatewayId: status.gatewayId, storeId: status.storeId, timeMs: status.timeMs,
            connectedSinceMs: self.connectedSince, backlog: status.backlog, counters: status.counters ?? [:])
        if let bytes = try? HQJSON.encode(heartbeat) {
            // QoS 0: a lost heartbeat is replaced by the next one; its PUBACK-less send needs no tracking.
            _ = try? self.client.publish(topic: self.configuration.topics.heartbeat, payload: bytes, qos: 0)
        }
    }
}

