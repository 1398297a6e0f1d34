import Foundation
import Logging
import PostgresNIO
public import ServiceLifecycle
import StoregateContract
import StoregateCore
import StoregateFoundation
import StoregateMQTTClient
import Synchronization

/// Takes every store's messages from the broker (a shared subscription: instances of one group split them) and
/// keeps them in PostgreSQL. Events are group-committed (``HQConfiguration/batchSize`` events or
/// ``HQConfiguration/batchMilliseconds``); status, heartbeats and downlink reports update their gateway at once.
///
/// Correctness does not rest on when the PUBACK leaves: libmosquitto acknowledges a message once it is handed to
/// us, so a crash can lose a batch in hand. Such a loss is a gap in a gateway's seqs, which the jobs heal with a
/// signed `requeue` (``HQJobs``); exactly-once comes from the `event_keys` guard, not from the broker.
public final class IngestService: Service, Sendable {
    private let configuration: HQConfiguration
    private let database: HQDatabase
    private let store: EventStore
    private let client: MQTTClient
    private let publisher: DownlinkPublisher
    /// Signs what HQ sends again to a store whose downlink epoch changed; nil when HQ has no downlink key.
    private let downlink: DownlinkOutbox?
    private let logger: Logger
    public let statistics: IngestStatistics

    init(configuration: HQConfiguration, database: HQDatabase, store: EventStore, client: MQTTClient,
         publisher: DownlinkPublisher, downlink: DownlinkOutbox?, statistics: IngestStatistics, logger: Logger) {
        self.configuration = configuration
        self.database = database
        self.store = store
        self.client = client
        self.publisher = publisher
        self.downlink = downlink
        self.statistics = statistics
        self.logger = logger
    }

    public func run() async throws {
        let receiver = IngestReceiver(lanes: self.configuration.commitsInFlight, batchSize: self.configuration.batchSize,
                                      batchSizeMax: self.configuration.batchSizeMax,
                                      batchMilliseconds: self.configuration.batchMilliseconds, statistics: self.statistics)
        self.client.start(driver: receiver)
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    // With a driver nothing arrives here: the stream ends when the loop thread does.
                    for await _ in self.client.events {}
                    receiver.finish()
                }
                // One committer per lane, each on its own connection; while a lane's batch commits, its next one
                // fills. The subscription starts at once (so the broker keeps what arrives), the first commit waits
                // for the schema.
                group.addTask {
                    guard (try? await self.database.waitForSchema()) == true else { return }
                    await withDiscardingTaskGroup { committers in
                        for lane in receiver.lanes {
                            committers.addTask {
                                for await batch in lane.batches {
                                    receiver.batchTaken(from: lane)
                                    await self.commit(batch)
                                }
                            }
                        }
                    }
                }
                await self.handle(receiver.others)
            }
        } onGracefulShutdown: {
            // The loop thread ends, then the receiver's streams, then the batches in hand are committed and run()
            // returns.
            receiver.stopWaiting()
            self.client.stop()
        }
    }

    private func handle(_ others: AsyncStream<IngestReceiver.Other>) async {
        /// Set once the schema exists: waiting for it is a task group per call, not for every message.
        var schemaReady = false
        for await other in others {
            switch other {
            case .mqtt(.connected(let sessionPresent)):
                self.logger.info("connected to the broker", metadata: ["session_present": "\(sessionPresent)"])
                self.statistics.update { ($0.subscriptionsGranted, $0.subscriptionsRefused) = (0, 0) }
                for kind in GatewayTopic.Kind.allCases {
                    do {
                        try self.client.subscribe(TopicScheme.sharedFleetFilter(kind, group: self.configuration.mqtt.shareGroup))
                    } catch {
                        self.logger.error("cannot subscribe to \(kind.rawValue): \(error)")
                    }
                }
                self.publisher.connectionChanged()
            case .mqtt(.subscribed(_, let granted)):
                if granted.contains(where: { $0 >= 0x80 }) {
                    self.logger.error("the broker refused a subscription (granted \(granted)): check its ACL for the share group")
                    self.statistics.update { $0.subscriptionsRefused += 1 }
                } else {
                    self.statistics.update { $0.subscriptionsGranted += 1 }
                }
            case .mqtt(.connectFailed(let reason)), .mqtt(.disconnected(let reason)):
                if !reason.isEmpty { self.logger.warning("broker: \(reason)") }
            case .mqtt(.acknowledged(let messageID, let reasonCode)):
                self.publisher.acknowledged(messageID: messageID, reasonCode: reasonCode)
            case .mqtt(.message):
                continue  // not a gateway's topic (the receiver sends gateways' messages with their address)
            case .gatewayMessage(let address, let payload, let retained):
                guard await self.schemaExists(&schemaReady) else { continue }
                await self.recordGatewayMessage(address, payload: payload, retained: retained)
            case .invalid(let address, let payload, let problem):
                guard await self.schemaExists(&schemaReady) else { continue }
                await self.rejectInvalid(address, payload: payload, problem: problem)
            case .misrouted(let address, let writer, let seq, let eventID):
                guard await self.schemaExists(&schemaReady) else { continue }
                await self.rejectMisrouted(address, writer: writer, seq: seq, eventID: eventID)
            }
        }
    }

    /// Statuses, reports and alerts are written in arrival order, and not before the schema exists (a retained
    /// status arrives with the subscription, while a new database is still being migrated). False when a graceful
    /// shutdown came first.
    private func schemaExists(_ ready: inout Bool) async -> Bool {
        if !ready { ready = (try? await self.database.waitForSchema()) == true }
        return ready
    }

    /// Commits a batch, retrying on any error (a deadlock, a restarted database): a batch is idempotent.
    private func commit(_ batch: [IncomingEvent]) async {
        var attempt = 0
        while true {
            do {
                let now = Timestamp.now.milliseconds
                let outcome = try await self.store.commit(batch, now: now)
                let lag = batch.map { now - $0.payload.timeMs }.max() ?? 0
                self.statistics.update {
                    $0.stored += outcome.stored
                    $0.duplicates += outcome.duplicates
                    $0.batches += 1
                    $0.lastBatchLagMs = lag
                }
                return
            } catch {
                attempt += 1
                self.statistics.update { $0.retries += 1 }
                self.logger.warning("batch of \(batch.count) events not committed (attempt \(attempt)): \(String(reflecting: error))")
                if attempt >= 2, let refusal = DatabaseRefusal(error) {
                    // PostgreSQL refuses something in the batch, and will at every retry: without this, one bad event
                    // would stop the ingest of every store. The batch is halved until the event is found; the rest
                    // is stored, the event is alerted (its gateway's chain has a gap, requeued and alerted in turn).
                    guard batch.count > 1 else {
                        await self.refuseUnstorable(batch[0], refusal)
                        return
                    }
                    await self.commit(Array(batch[..<(batch.count / 2)]))
                    await self.commit(Array(batch[(batch.count / 2)...]))
                    return
                }
                try? await Task.sleep(for: .milliseconds(min(5_000, 50 * (1 << min(attempt, 7)))))
            }
        }
    }

    private func refuseUnstorable(_ event: IncomingEvent, _ refusal: DatabaseRefusal) async {
        let problem = "PostgreSQL refuses to store it: \(refusal)"
        self.logger.error("event \(event.payload.eventId) (seq \(event.payload.seq)) of \(event.gatewayKey) not stored: \(problem)")
        await self.refuse(Alert(kind: .invalidEvent, key: "invalid_event:\(event.gatewayKey):\(event.payload.eventId)",
                                storeID: event.storeID, gatewayID: event.gatewayID, code: nil,
                                details: ["problem": problem, "seq": event.payload.seq, "event_id": event.payload.eventId,
                                          "bytes": event.bytes.count]))
    }

    private func rejectInvalid(_ address: GatewayTopic, payload: [UInt8], problem: String) async {
        self.logger.warning("invalid event from \(address.storeID)/\(address.gatewayID): \(problem)")
        await self.refuse(Alert(kind: .invalidEvent, key: "invalid_event:\(address.storeID)/\(address.gatewayID):\(Hex.encode(payload.prefix(16))):\(payload.count)",
                                storeID: address.storeID, gatewayID: address.gatewayID, code: nil,
                                details: ["problem": problem, "bytes": payload.count]))
    }

    /// An event of one gateway published on another's topic: not stored (it is the writer's, and the writer's own
    /// topic brings it), alerted once per event and topic.
    private func rejectMisrouted(_ address: GatewayTopic, writer: GatewayKey, seq: Int64, eventID: String) async {
        self.logger.warning("event \(eventID) (seq \(seq)) written by \(writer) arrived on the topic of \(address.storeID)/\(address.gatewayID)")
        await self.refuse(Alert(kind: .topicMismatch, key: "topic_mismatch:\(address.storeID)/\(address.gatewayID):\(eventID)",
                                storeID: address.storeID, gatewayID: address.gatewayID, code: nil,
                                details: ["event_id": eventID, "seq": seq, "writer_store": writer.storeID, "writer_gateway": writer.gatewayID,
                                          "problem": "the event names \(writer) as its writer; it was published on \(address.storeID)/\(address.gatewayID)'s topic"]))
    }

    /// An event not stored: counted, and its alert raised.
    private func refuse(_ alert: Alert) async {
        self.statistics.update { $0.invalid += 1 }
        await self.retrying("record a refused event (\(alert.key))") { connection in
            try await Alert.raise([alert], on: connection, now: Timestamp.now.milliseconds, logger: self.logger)
        }
    }

    /// What a status says of the gateway's presence, in one update: a status it just published (`heard`, not the
    /// broker's retained copy) sets when HQ last heard from it; one of a new broker connection (`newConnection`) is
    /// counted in the gateway's hour of connections, which the jobs compare with `alerts.connections_per_hour`.
    static func recordPresence(store: String, gateway: String, heard: Bool, newConnection: Bool, on connection: PostgresConnection,
                               now: Int64, logger: Logger) async throws {
        guard heard || newConnection else { return }
        let windowStart = now - HQJobs.connectionWindowMs
        try await connection.query("""
            UPDATE gateways SET
                last_heard_ms = CASE WHEN \(heard) THEN \(now) ELSE last_heard_ms END,
                connections = CASE WHEN NOT \(newConnection) THEN connections
                                   WHEN connections_since_ms > \(windowStart) THEN connections + 1 ELSE 1 END,
                connections_since_ms = CASE WHEN NOT \(newConnection) OR connections_since_ms > \(windowStart) THEN connections_since_ms
                                            ELSE \(now) END
            WHERE store_id = \(store) AND gateway_id = \(gateway)
            """, logger: logger)
    }

    /// A gateway's status (retained, and the Last Will), heartbeat or downlink report: its latest word. What it just
    /// published (not the broker's retained copy, sent to every new subscription) also says when HQ last heard from
    /// it, on HQ's clock: a store box's clock may be wrong by hours.
    private func recordGatewayMessage(_ address: GatewayTopic, payload: [UInt8], retained: Bool) async {
        let now = Timestamp.now.milliseconds
        let (store, gateway) = (address.storeID, address.gatewayID)
        switch address.kind {
        case .status:
            guard let status = try? HQJSON.decode(GatewayStatus.self, from: payload) else {
                self.logger.warning("unreadable status from \(store)/\(gateway)")
                return
            }
            let json = String(decoding: payload, as: UTF8.self)
            await self.retrying("record a status") { connection in
                // The row lock orders two instances handling statuses of one gateway: one of them sees the change.
                let previous = try await connection.query("""
                    SELECT last_status->>'downlink_epoch', last_status IS NOT NULL, status_connection_ms FROM gateways
                    WHERE store_id = \(store) AND gateway_id = \(gateway) FOR UPDATE
                    """, logger: self.logger)
                var (previousEpoch, hadStatus, previousConnection): (String?, Bool, Int64?) = (nil, false, nil)
                for try await row in previous.decode((String?, Bool, Int64?).self) { (previousEpoch, hadStatus, previousConnection) = row }
                // The newest status wins, ordered by its connection, then offline after online (a connection's
                // offline status, a Last Will built when it opened included, is its last), then time. A status
                // without a connection stamp (older gateways) counts its time as its connection.
                let recorded = try await connection.query("""
                    INSERT INTO gateways (store_id, gateway_id, first_seen_ms, status_state, last_status, last_status_ms, gateway_key,
                                          status_connection_ms)
                    VALUES (\(store), \(gateway), \(now), \(status.state), \(json)::jsonb, \(status.timeMs), \(status.gatewayKey),
                            \(status.connectionMs))
                    ON CONFLICT (store_id, gateway_id) DO UPDATE SET status_state = excluded.status_state,
                        last_status = excluded.last_status, last_status_ms = excluded.last_status_ms,
                        status_connection_ms = excluded.status_connection_ms,
                        gateway_key = coalesce(gateways.gateway_key, excluded.gateway_key)
                    WHERE gateways.last_status_ms IS NULL
                       OR (coalesce(excluded.status_connection_ms, excluded.last_status_ms), excluded.status_state = 'offline',
                           excluded.last_status_ms)
                          >= (coalesce(gateways.status_connection_ms, gateways.last_status_ms), gateways.status_state = 'offline',
                              gateways.last_status_ms)
                    RETURNING 1
                    """, logger: self.logger)
                var isNewest = false
                for try await _ in recorded.decode(Int.self) { isNewest = true }
                let newConnection = isNewest && (status.connectionMs ?? 0) > (previousConnection ?? 0)
                try await Self.recordPresence(store: store, gateway: gateway, heard: !retained, newConnection: newConnection,
                                              on: connection, now: now, logger: self.logger)
                try await SignedHeads.checkKey(status.gatewayKey, store: store, gateway: gateway, on: connection, now: now, logger: self.logger)
                guard isNewest, let epoch = status.downlinkEpoch, let downlink = self.downlink else { return }
                try await self.resendIfReset(store: store, gateway: gateway, epoch: epoch, previousEpoch: previousEpoch,
                                             hadStatus: hadStatus, downlink: downlink, on: connection, now: now)
            }
        case .heartbeat:
            guard let heartbeat = try? HQJSON.decode(GatewayHeartbeat.self, from: payload) else { return }
            await self.retrying("record a heartbeat") { connection in
                try await connection.query("""
                    INSERT INTO gateways (store_id, gateway_id, first_seen_ms, last_heartbeat_ms, last_heard_ms)
                    VALUES (\(store), \(gateway), \(now), \(heartbeat.timeMs), \(now))
                    ON CONFLICT (store_id, gateway_id) DO UPDATE SET last_heartbeat_ms =
                        greatest(gateways.last_heartbeat_ms, excluded.last_heartbeat_ms), last_heard_ms = excluded.last_heard_ms
                    """, logger: self.logger)
                if let head = heartbeat.head {
                    try await SignedHeads.record(head, of: heartbeat, store: store, gateway: gateway, on: connection, now: now,
                                                 logger: self.logger)
                }
            }
        case .downlink:
            guard let report = try? HQJSON.decode(DownlinkReport.self, from: payload), let stream = report.stream,
                  let seq = report.seq else { return }
            await self.retrying("record a downlink report") { connection in
                try await connection.query("""
                    INSERT INTO downlink_reports (store_id, gateway_id, stream, seq, outcome, problem, reason, time_ms)
                    VALUES (\(store), \(gateway), \(stream), \(seq), \(report.outcome.rawValue), \(report.problem?.rawValue),
                            \(report.reason), \(report.timeMs))
                    ON CONFLICT (store_id, gateway_id, stream, seq) DO UPDATE SET outcome = excluded.outcome,
                        problem = excluded.problem, reason = excluded.reason, time_ms = excluded.time_ms
                    """, logger: self.logger)
                try await connection.query("""
                    UPDATE batch_distribution SET state = \(report.outcome.rawValue), reason = \(report.reason), updated_ms = \(now)
                    WHERE store_id = \(store) AND stream = \(stream) AND seq = \(seq)
                    """, logger: self.logger)
            }
        case .events:
            break
        }
    }

    /// A gateway's downlink epoch changed — its ledger was restored, or (a first status from a gateway of a store
    /// HQ already knew) the store runs a new ledger: what HQ sent the store before is gone from it, so HQ sends it
    /// again (``DownlinkResend``). A gateway that just never said its epoch before (older storegate) is not reset.
    private func resendIfReset(store: String, gateway: String, epoch: String, previousEpoch: String?, hadStatus: Bool,
                               downlink: DownlinkOutbox, on connection: PostgresConnection, now: Int64) async throws {
        let reset: Bool
        if hadStatus {
            reset = previousEpoch.map { $0 != epoch } ?? false
        } else {
            let others = try await connection.query("""
                SELECT count(*) FROM gateways WHERE store_id = \(store) AND gateway_id <> \(gateway) AND last_status IS NOT NULL
                """, logger: self.logger)
            var count = 0
            for try await value in others.decode(Int.self) { count = value }
            reset = count > 0
        }
        guard reset else { return }
        let sent = try await DownlinkResend(outbox: downlink).resend(store: store, on: connection, now: now, logger: self.logger)
        self.logger.notice("""
            gateway \(store)/\(gateway) reports a new downlink epoch \(epoch) (was \(previousEpoch ?? "none")): its ledger lost \
            what HQ sent; sending the store \(sent) messages again
            """)
    }

    private func retrying(_ what: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> Void) async {
        for attempt in 1...5 {
            do {
                try await self.database.transaction { try await body($0) }
                return
            } catch {
                self.logger.warning("cannot \(what) (attempt \(attempt)): \(String(reflecting: error))")
                try? await Task.sleep(for: .milliseconds(100 * attempt))
            }
        }
    }
}
