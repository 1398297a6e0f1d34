import Foundation
import Logging
import StoregateCore
import StoregateLedger

/// The HQ link's loop state: one task owns it, so none of it is shared.
struct UplinkLoop {
    private let link: HQLink
    private var window: UplinkWindow
    private var readAhead: OutboxReadAhead
    private var pendingMarks: [Int64] = []
    private var oldestMarkAt: ContinuousClock.Instant?
    private var connected = false
    private var connectedSince: Int64?
    private var pausedUntil: ContinuousClock.Instant?
    private var refusal: String?
    private var lastError: String?
    /// Message ids of our own status/report publishes: their PUBACKs are not outbox deliveries.
    private var controlMessageIDs: Set<Int32> = []
    private var lastHeartbeat = ContinuousClock.now
    private var lastShedCheck = ContinuousClock.now
    private var lastSync: Int64?
    private var iterator: AsyncStream<HQLink.Input>.AsyncIterator?
    private var shuttingDown = false
    /// Events published and acknowledged on the current connection, and how many connections in a row ended
    /// with events published and none acknowledged: mosquitto 2.0 drops a client right after an ACL-denied
    /// publish, and the PUBACK carrying 0x87 is often lost with the connection (TCP reset).
    private var publishedThisConnection = 0
    private var acknowledgedThisConnection = 0
    private var silentDrops = 0

    init(link: HQLink) {
        self.link = link
        self.window = UplinkWindow(capacity: link.linkConfiguration.window, interleaveAfter: link.linkConfiguration.interleaveAfter)
        self.readAhead = OutboxReadAhead(batchSize: link.linkConfiguration.readAhead)
    }

    private var configuration: HQLinkConfiguration { self.link.linkConfiguration }
    private var ledger: Ledger { self.link.linkLedger }
    private var logger: Logger { self.link.linkLogger }

    /// Runs until graceful shutdown, or until drained when `exitWhenDrained` is set.
    mutating func run(_ inputs: AsyncStream<HQLink.Input>) async throws {
        self.iterator = inputs.makeAsyncIterator()
        self.lastSync = try? self.ledger.lastDownlinkSync()?.milliseconds
        self.remember(state: "offline")
        while let input = await self.iterator?.next() {
            switch input {
            case .shutdown:
                self.shuttingDown = true
                return
            case .mqtt(let event):
                try self.handle(event)
            case .outboxChanged:
                try self.fill()
            case .tick:
                try self.tick()
                if self.isDrained() {
                    self.logger.info("outbox drained and sources finished: stopping")
                    return
                }
            }
        }
    }

    /// After the loop: wait a little for the PUBACKs of what is in flight, commit the marks, say offline.
    mutating func finish() async throws {
        let deadline = ContinuousClock.now + .milliseconds(self.configuration.shutdownFlushMilliseconds)
        if self.connected {
            let offline = self.publishStatus(state: "offline")
            while ContinuousClock.now < deadline, self.connected,
                  !self.window.isEmpty || offline.map({ self.controlMessageIDs.contains($0) }) == true {
                guard let input = await self.iterator?.next() else { break }
                if case .mqtt(let event) = input { try self.handle(event, filling: false) }
            }
        }
        try self.flushMarks()
        if !self.window.isEmpty {
            self.logger.info("shutting down with events in flight; they stay in the outbox and are sent next run",
                             metadata: ["in_flight": "\(self.window.inFlight.count)"])
        }
        self.remember(state: "offline")
    }

    private func isDrained() -> Bool {
        // Connected for a second at least: downlink the broker queued for our session arrives right after CONNACK.
        guard self.configuration.exitWhenDrained, self.connected, self.window.isEmpty, self.pendingMarks.isEmpty,
              self.link.areSourcesFinished, let since = self.connectedSince,
              Timestamp.current.milliseconds - since >= 1_000 else { return false }
        return (try? self.ledger.pendingOutbox(fromSeq: 1, limit: 1).isEmpty) ?? false
    }

    // MARK: - Broker events

    private mutating func handle(_ event: MQTTEvent, filling: Bool = true) throws {
        switch event {
        case .connected(let sessionPresent):
            self.connected = true
            self.publishedThisConnection = 0
            self.acknowledgedThisConnection = 0
            self.connectedSince = Timestamp.current.milliseconds
            self.lastError = nil
            self.link.linkCounters.bump(.reconnects)
            self.logger.info("connected to \(self.configuration.brokerDescription)", metadata: ["session_present": "\(sessionPresent)"])
            // Marks first: an acknowledged event must not be sent again just because its mark was still in RAM.
            try self.flushMarks()
            try self.restartWindow()
            if self.link.linkDownlink != nil {
                for filter in [self.configuration.topics.storeDownlinkFilter, TopicScheme.broadcastDownlinkFilter] {
                    do {
                        try self.link.linkClient.subscribe(filter)
                    } catch {
                        self.logger.error("cannot subscribe to \(filter): \(error)")
                    }
                }
            }
            self.publishStatus(state: "online")
            if filling { try self.fill() }
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
            try self.flushMarks()
            self.remember(state: "offline")
        case .acknowledged(let messageID, let reasonCode):
            if self.controlMessageIDs.remove(messageID) != nil { return }
            switch self.window.acknowledged(messageID: messageID, reasonCode: reasonCode) {
            case .delivered(let seq):
                self.link.linkCounters.bump(.delivered)
                self.link.latencyRecorder?.acknowledged(seq: seq)
                self.acknowledgedThisConnection += 1
                self.silentDrops = 0
                if self.refusal != nil {
                    self.refusal = nil
                    self.publishStatus(state: "online")
                }
                self.pendingMarks.append(seq)
                if self.oldestMarkAt == nil { self.oldestMarkAt = .now }
                if self.pendingMarks.count >= self.configuration.markBatch { try self.flushMarks() }
            case .refused(let seq, let reasonCode):
                self.link.linkCounters.bump(.refused)
                self.onRefusal(seq: seq, reasonCode: reasonCode)
            case .unknown:
                break
            }
            if filling { try self.fill() }
        case .subscribed:
            break
        case .message(let topic, let payload, _):
            self.onDownlink(topic: topic, payload: payload)
        }
    }

    private mutating func onRefusal(seq: Int64, reasonCode: Int32) {
        let reason = "broker refused event \(seq) on \(self.configuration.topics.events): "
            + "\(MQTTReasonCode.describe(reasonCode)); check the broker's ACL for this gateway"
        if self.refusal == nil { self.logger.error("\(reason)") }
        self.refusal = reason
        // Everything in flight is abandoned (it is unmarked, so it is sent again after the pause).
        self.window.connectionLost()
        self.pausedUntil = .now + .milliseconds(self.configuration.refusedRetryMilliseconds)
        self.publishStatus(state: "online")
    }

    private mutating func onDownlink(topic: String, payload: [UInt8]) {
        guard let downlink = self.link.linkDownlink else { return }
        let report = downlink.process(topic: topic, payload: payload)
        if report.outcome == .applied {
            self.link.linkCounters.bump(.downlinkApplied)
            self.lastSync = report.time
        } else if report.outcome == .rejected {
            self.link.linkCounters.bump(.downlinkRejected)
        }
        guard self.connected, let bytes = try? HQJSON.encode(report) else { return }
        if let messageID = try? self.link.linkClient.publish(topic: self.configuration.topics.downlinkReports, payload: bytes) {
            self.controlMessageIDs.insert(messageID)
        }
    }

    // MARK: - Sending

    private mutating func restartWindow() throws {
        let summary = try self.ledger.outboxSummary()
        self.window.restart(oldestPending: summary.oldestUndeliveredSeq, backlog: summary.undelivered, headSeq: summary.headSeq)
        self.readAhead.invalidate()
        self.pausedUntil = nil
    }

    /// Hands libmosquitto events until the window is full or nothing is pending.
    private mutating func fill() throws {
        guard self.connected, !self.shuttingDown, self.link.linkClient.isConnected else { return }
        if let pausedUntil = self.pausedUntil {
            guard ContinuousClock.now >= pausedUntil else { return }
            try self.flushMarks()
            try self.restartWindow()
        }
        // Refill in chunks: one query per quarter window, not one per PUBACK.
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
                    let messageID = try self.link.linkClient.publishEvent(
                        topic: self.configuration.topics.events, payload: entry.payload, seq: entry.seq,
                        operation: entry.operation)
                    self.window.sent(seq: entry.seq, messageID: messageID)
                    self.publishedThisConnection += 1
                    self.link.linkCounters.bump(.published)
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

    private mutating func flushMarks() throws {
        guard !self.pendingMarks.isEmpty else { return }
        try self.ledger.markDelivered(seqs: self.pendingMarks, at: .current)
        self.pendingMarks.removeAll(keepingCapacity: true)
        self.oldestMarkAt = nil
    }

    private mutating func tick() throws {
        if let oldest = self.oldestMarkAt,
           ContinuousClock.now - oldest >= .milliseconds(self.configuration.markIntervalMilliseconds) {
            try self.flushMarks()
        }
        if ContinuousClock.now - self.lastShedCheck >= .seconds(5) {
            self.lastShedCheck = .now
            let shed = try self.ledger.shedTelemetry(keepingAtMost: self.configuration.shedTelemetryAbove, at: .current)
            if shed > 0 {
                // Shed rows may sit in a read-ahead batch: they must not be sent.
                self.readAhead.invalidate()
                self.logger.warning("backlog over \(self.configuration.shedTelemetryAbove): shed \(shed) verify events (telemetry)")
            }
        }
        if ContinuousClock.now - self.lastHeartbeat >= .milliseconds(self.configuration.heartbeatIntervalMilliseconds) {
            self.lastHeartbeat = .now
            self.publishHeartbeat()
        }
        try self.fill()
    }

    // MARK: - Status

    private func makeStatus(state: String) -> GatewayStatus {
        let summary = (try? self.ledger.outboxSummary()) ?? OutboxSummary()
        let now = Timestamp.current.milliseconds
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
    private mutating func publishStatus(state: String) -> Int32? {
        let status = self.makeStatus(state: state)
        self.link.remember(status)
        guard self.connected, let bytes = try? HQJSON.encode(status) else { return nil }
        guard let messageID = try? self.link.linkClient.publish(topic: self.configuration.topics.status, payload: bytes, retain: true)
        else { return nil }
        self.controlMessageIDs.insert(messageID)
        return messageID
    }

    private mutating func publishHeartbeat() {
        let status = self.makeStatus(state: self.connected ? "online" : "offline")
        self.link.remember(status)
        guard self.connected else { return }
        let heartbeat = GatewayHeartbeat(
            gatewayId: status.gatewayId, storeId: status.storeId, timeMs: status.timeMs,
            connectedSinceMs: self.connectedSince, backlog: status.backlog, counters: status.counters ?? [:])
        if let bytes = try? HQJSON.encode(heartbeat) {
            // QoS 0: a lost heartbeat is replaced by the next one; its PUBACK-less send needs no tracking.
            _ = try? self.link.linkClient.publish(topic: self.configuration.topics.heartbeat, payload: bytes, qos: 0)
        }
    }
}

extension Timestamp {
    /// Now, from the system clock.
    static var current: Timestamp {
        Timestamp(milliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded()))
    }
}
