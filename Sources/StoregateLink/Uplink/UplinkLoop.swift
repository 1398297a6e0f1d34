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
/// It routes the broker's events and the loop's turns to its parts: the send window (``UplinkSender``), delivery
/// marks (``DeliveryMarks``), refusal detection (``RefusalDetector``), the status and heartbeat
/// (``UplinkStatusPublisher``), the shutdown (``UplinkShutdown``) and the downlink.
///
/// Everything in here is touched only on that thread, one call at a time (hence `@unchecked Sendable` and no
/// locks): a PUBACK is always processed after the publish that produced its message id. Other threads reach it
/// only through the link's atomics ("the outbox grew", "shut down") followed by a wake-up of the loop. Delivery
/// marks are committed in small batches through the ledger's single writer on a queue of their own, which
/// `Ledger.apply` only queues behind — neither ever waits for this thread.
final class UplinkLoop: MQTTLoopDriver, @unchecked Sendable {
    private let link: HQLink
    private let client: MQTTClient
    private let sender: UplinkSender
    private let statusPublisher: UplinkStatusPublisher
    private var marks: DeliveryMarks
    private var shutdown: UplinkShutdown
    private var refusals: RefusalDetector
    /// Set by whatever may let more events go out (a PUBACK, the outbox grew, a connect, a tick); the fill
    /// happens once per pass of the loop, after all the PUBACKs that arrived together were handled.
    private var needsFill = false
    private var connected = false
    private var connectedSince: Int64?
    private var lastError: String?
    /// The downlink subscriptions of this connection awaiting their SUBACK, by message id.
    private var downlinkSubscriptions: [Int32: String] = [:]
    private var downlinkRefusal: String?
    /// Why the last downlink message could not be applied (a transient failure), until one is: kept as the
    /// status's `last_error` over the connection loss it causes, so `storegate status` and HQ see the reason.
    private var downlinkDeferral: String?
    private var lastTick = ContinuousClock.now
    private var lastHeartbeat = ContinuousClock.now
    private var lastShedCheck = ContinuousClock.now
    private var lastDiskCheck = ContinuousClock.now
    /// The disk's condition in the last status (low space, reserve held): a change is published within a second,
    /// not at the next heartbeat, so HQ and `storegate status` see a full disk (and its end) while it matters.
    private var reportedDiskCondition: DiskCondition?
    private var lastSync: Int64?
    /// Counted here and added to the shared counters once per tick: they take a lock, this runs per message.
    private var unreportedPublished = 0
    private var unreportedDelivered = 0
    /// Why the uplink stopped with an error (a ledger failure); the link's `run` throws it.
    private(set) var failure: (any Error)?

    static let tickMilliseconds = 20

    init(link: HQLink) {
        let configuration = link.linkConfiguration
        self.link = link
        self.client = link.linkClient
        self.sender = UplinkSender(configuration: configuration, ledger: link.linkLedger, client: link.linkClient,
                                   logger: link.linkLogger)
        self.statusPublisher = UplinkStatusPublisher(
            builder: GatewayStatusBuilder(ledger: link.linkLedger, configuration: configuration, disk: link.linkDisk),
            client: link.linkClient, topics: configuration.topics, remember: { link.remember($0) })
        self.marks = DeliveryMarks(ledger: link.linkLedger, disk: link.linkDisk, batchSize: configuration.markBatch,
                                   intervalMilliseconds: configuration.markIntervalMilliseconds)
        self.shutdown = UplinkShutdown(flushMilliseconds: configuration.shutdownFlushMilliseconds)
        self.refusals = RefusalDetector(eventsTopic: configuration.topics.events)
    }

    private var configuration: HQLinkConfiguration { self.link.linkConfiguration }
    private var ledger: Ledger { self.link.linkLedger }
    private var logger: Logger { self.link.linkLogger }

    /// Before the loop thread starts: the first status (offline until the CONNACK).
    func prepare() {
        self.lastSync = try? self.ledger.lastDownlinkSync()?.milliseconds
        self.statusPublisher.record(state: "offline", self.linkState)
    }

    // MARK: - The loop thread's calls

    func handle(_ event: MQTTEvent) {
        if self.shutdown.isDone { return }
        do {
            try self.handleThrowing(event)
        } catch {
            self.fail(error)
        }
    }

    func loopPassed() {
        do {
            if self.shutdown.isDone { return }
            if self.shutdown.isFinishing {
                let publisher = self.statusPublisher
                if self.shutdown.shouldComplete(connected: self.connected, windowEmpty: self.sender.window.isEmpty,
                                                awaitingAcknowledgement: { publisher.isAwaitingAcknowledgement($0) }) {
                    try self.completeShutdown()
                }
                return
            }
            if self.link.takeShutdownRequest() {
                try self.beginShutdown()
                return
            }
            if self.link.takeOutboxChanged() {
                self.sender.outboxMayHaveGrown()
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
        let offline = self.statusPublisher.publishStatus(state: "offline", connected: true, self.linkState)
        self.shutdown.beginFinishing(offlineStatus: offline)
    }

    /// Commits the marks, records the offline status and lets the client disconnect and end its loop.
    private func completeShutdown() throws {
        self.shutdown.finish()
        self.noteMarkFailure(self.marks.commitAll())
        self.reportCounters()
        if !self.sender.window.isEmpty {
            self.logger.info("shutting down with events in flight; they stay in the outbox and are sent next run",
                             metadata: ["in_flight": "\(self.sender.window.inFlight.count)"])
        }
        self.statusPublisher.record(state: "offline", self.linkState)
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
        self.shutdown.finish()
        self.client.stop()
    }

    private func isDrained() -> Bool {
        // Connected for a second at least: downlink the broker queued for our session arrives right after CONNACK.
        guard self.configuration.exitWhenDrained, self.connected, self.sender.window.isEmpty, self.marks.isSettled,
              self.link.areSourcesFinished, let since = self.connectedSince,
              Timestamp.now.milliseconds - since >= 1_000 else { return false }
        return (try? self.ledger.pendingOutbox(fromSeq: 1, limit: 1).isEmpty) ?? false
    }

    // MARK: - Broker events

    private func handleThrowing(_ event: MQTTEvent) throws {
        switch event {
        case .connected(let sessionPresent):
            self.connected = true
            self.refusals.connected()
            self.connectedSince = Timestamp.now.milliseconds
            self.lastError = self.downlinkDeferral
            self.link.linkCounters.bump(.reconnects)
            self.logger.info("connected to \(self.configuration.brokerDescription)", metadata: ["session_present": "\(sessionPresent)"])
            // Marks first: an acknowledged event must not be sent again just because its mark was not committed yet.
            self.noteMarkFailure(self.marks.commitAll())
            try self.sender.restart()
            if self.link.linkDownlink != nil {
                self.downlinkSubscriptions = [:]
                for filter in [self.configuration.topics.storeDownlinkFilter, TopicScheme.broadcastDownlinkFilter] {
                    do {
                        self.downlinkSubscriptions[try self.client.subscribe(filter)] = filter
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
            self.statusPublisher.record(state: "offline", self.linkState)
        case .disconnected(let reason):
            self.connected = false
            self.sender.connectionLost()
            self.statusPublisher.connectionLost()
            self.lastError = self.downlinkDeferral ?? (reason.isEmpty ? nil : "connection lost: \(reason)")
            self.logger.warning("disconnected from \(self.configuration.brokerDescription): \(reason)")
            if let refusal = self.refusals.disconnected() { self.logger.error("\(refusal)") }
            self.marks.handOver()
            self.statusPublisher.record(state: "offline", self.linkState)
        case .acknowledged(let messageID, let reasonCode):
            if self.statusPublisher.takeAcknowledgement(of: messageID) { return }
            switch self.sender.acknowledged(messageID: messageID, reasonCode: reasonCode) {
            case .delivered(let seq):
                self.unreportedDelivered += 1
                self.link.latencyRecorder?.acknowledged(seq: seq)
                if self.refusals.delivered() { self.publishStatus(state: "online") }
                self.marks.add(seq)
            case .refused(let seq, let reasonCode):
                self.link.linkCounters.bump(.refused)
                self.onRefusal(seq: seq, reasonCode: reasonCode)
            case .unknown:
                break
            }
            self.needsFill = true
        case .subscribed(let messageID, let granted):
            guard let filter = self.downlinkSubscriptions.removeValue(forKey: messageID) else { break }
            if let refused = granted.first(where: { $0 >= 0x80 }) {
                let refusal = "the broker refused the subscription to \(filter) (\(MQTTReasonCode.describe(refused))): "
                    + "HQ's revocations, policy and code batches cannot reach this store"
                self.logger.error("\(refusal)")
                self.downlinkRefusal = refusal
                self.publishStatus(state: "online")
            } else if self.downlinkRefusal?.contains(filter) == true {
                self.downlinkRefusal = nil
                self.publishStatus(state: "online")
            }
        case .message(let topic, let payload, _):
            self.onDownlink(topic: topic, payload: payload)
        }
    }

    private func onRefusal(seq: Int64, reasonCode: Int32) {
        let (reason, isNew) = self.refusals.refused(seq: seq, reasonCode: reasonCode)
        if isNew { self.logger.error("\(reason)") }
        // Everything in flight is abandoned (it is unmarked, so it is sent again after the pause).
        self.sender.pause(for: .milliseconds(self.configuration.refusedRetryMilliseconds))
        self.publishStatus(state: "online")
    }

    /// Applied here, synchronously, on the loop thread, and that is what makes downlink durable: in threaded mode
    /// libmosquitto only queues the PUBACK while it reads a message, and `mosquitto_loop_write` sends it after this
    /// returns, so the broker hears the message was received only once its change is committed. A gateway killed
    /// mid-apply gets the message again on reconnect (DownlinkCrashTests), and so does one whose apply failed for
    /// a transient reason: the connection is dropped before that PUBACK is written (DownlinkDiskTests).
    /// Handing the work to another thread would acknowledge messages not yet applied.
    private func onDownlink(topic: String, payload: [UInt8]) {
        guard let downlink = self.link.linkDownlink else { return }
        let report: DownlinkReport
        do {
            report = try downlink.process(topic: topic, payload: payload)
        } catch {
            // The disk is full, the ledger busy, an I/O error: nothing changed. Not acknowledged, so the broker
            // delivers the message again after the reconnect; HQ gets no report, which tells it nothing was done.
            self.link.linkCounters.bump(.downlinkDeferred)
            self.downlinkDeferral = "\(error)"
            self.lastError = self.downlinkDeferral
            self.client.dropConnectionWithoutAcknowledging()
            return
        }
        if self.downlinkDeferral != nil {
            self.downlinkDeferral = nil
            self.lastError = nil
        }
        if report.outcome == .applied {
            self.link.linkCounters.bump(.downlinkApplied)
            self.lastSync = report.time
        } else if report.outcome == .rejected {
            self.link.linkCounters.bump(.downlinkRejected)
        }
        guard self.connected else { return }
        self.statusPublisher.publishDownlinkReport(report)
    }

    // MARK: - Sending

    private func fill() throws {
        self.needsFill = false
        guard self.connected, self.shutdown.isRunning, self.client.isConnected else { return }
        let result = try self.sender.fill { self.noteMarkFailure(self.marks.commitAll()) }
        switch result {
        case .published(let count):
            self.countPublished(count)
        case .publishFailed(let count):
            self.countPublished(count)
            // Wait for the next CONNACK: publishing again now would queue a second copy.
            self.connected = false
        }
    }

    private func countPublished(_ count: Int) {
        self.refusals.published(count)
        self.unreportedPublished += count
    }

    private func tick() throws {
        self.reportCounters()
        self.noteMarkFailure(self.marks.tick())
        if ContinuousClock.now - self.lastShedCheck >= .seconds(5) {
            self.lastShedCheck = .now
            self.shedTelemetryIfNeeded()
            if self.connected, self.marks.isSettled, try self.sender.pickUpRequeued() { self.needsFill = true }
        }
        if ContinuousClock.now - self.lastDiskCheck >= .seconds(1) {
            self.lastDiskCheck = .now
            self.publishStatusIfDiskChanged()
        }
        if ContinuousClock.now - self.lastHeartbeat >= .milliseconds(self.configuration.heartbeatIntervalMilliseconds) {
            self.lastHeartbeat = .now
            self.statusPublisher.publishHeartbeat(connected: self.connected, connectedSince: self.connectedSince, self.linkState)
        }
        self.sender.outboxMayHaveGrown()
        self.needsFill = true
    }

    private func publishStatusIfDiskChanged() {
        guard let status = self.link.linkDisk?.status else { return }
        let condition = DiskCondition(lowSpace: status.lowSpace, reserveHeld: status.reserveHeld)
        defer { self.reportedDiskCondition = condition }
        guard let reported = self.reportedDiskCondition, reported != condition else { return }
        self.publishStatus(state: self.connected ? "online" : "offline")
    }

    private func shedTelemetryIfNeeded() {
        let shed: Int
        do {
            shed = try self.ledger.shedTelemetry(keepingAtMost: self.configuration.shedTelemetryAbove, at: .now)
        } catch {
            // Nothing depends on it now; the next check tries again.
            self.logger.error("cannot shed telemetry: \(error)")
            return
        }
        guard shed > 0 else { return }
        self.sender.outboxWasShed()
        self.logger.warning("backlog over \(self.configuration.shedTelemetryAbove): shed \(shed) verify events (telemetry)")
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

    /// What only the uplink knows, for the status (the counters brought up to date first).
    private var linkState: GatewayStatusBuilder.LinkState {
        self.reportCounters()
        return GatewayStatusBuilder.LinkState(
            lastDownlinkSyncMs: self.lastSync, uplinkRefusal: self.refusals.refusal, downlinkRefusal: self.downlinkRefusal,
            lastError: self.lastError,
            scanners: self.link.scannerStatus, counters: self.link.linkCounters.snapshot)
    }

    private func publishStatus(state: String) {
        self.statusPublisher.publishStatus(state: state, connected: self.connected, self.linkState)
    }
}

/// What of the disk's state is worth a status of its own when it changes.
private struct DiskCondition: Equatable {
    var lowSpace: Bool
    var reserveHeld: Bool
}
