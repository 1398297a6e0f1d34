import Logging
import PostgresNIO
import StoregateCore
import StoregateFoundation
import StoregateMQTTClient
import Synchronization

/// Sends the signed messages of `downlink_outbox` (QoS 1), in seq order per stream, and marks each published on
/// its PUBACK. Run by the instance holding the jobs lease, so one instance sends; a message sent again after a
/// crash is answered `duplicate` by the gateways that have it.
final class DownlinkPublisher: Sendable {
    private struct Row: Hashable, Sendable {
        var stream: String
        var seq: Int64
    }

    private struct State {
        /// Published, PUBACK not yet seen: message id → row.
        var inFlight: [Int32: Row] = [:]
        /// PUBACKed, not yet marked.
        var acknowledged: [Row] = []
    }

    private let client: MQTTClient
    private let database: HQDatabase
    private let logger: Logger
    private let state = Mutex(State())

    init(client: MQTTClient, database: HQDatabase, logger: Logger) {
        self.client = client
        self.database = database
        self.logger = logger
    }

    /// On (re)connect whatever was in flight is sent again by the next pass.
    func connectionChanged() {
        self.state.withLock { $0.inFlight.removeAll() }
    }

    func acknowledged(messageID: Int32, reasonCode: Int32) {
        self.state.withLock { state in
            guard let row = state.inFlight.removeValue(forKey: messageID) else { return }
            if MQTTEvent.isRefusal(reasonCode) {
                self.logger.error("the broker refused downlink \(row.stream) seq \(row.seq): \(MQTTReasonCode.describe(reasonCode))")
            } else {
                state.acknowledged.append(row)
            }
        }
    }

    /// Marks what was acknowledged, then publishes what is waiting. Returns how many were published.
    @discardableResult
    func publishPending() async throws -> Int {
        let done = self.state.withLock { state in
            defer { state.acknowledged.removeAll() }
            return state.acknowledged
        }
        if !done.isEmpty {
            let now = Timestamp.now.milliseconds
            try await self.database.client.query("""
                UPDATE downlink_outbox AS o SET published_ms = \(now)
                FROM unnest(\(done.map(\.stream))::text[], \(done.map(\.seq))::bigint[]) AS u(stream, seq)
                WHERE o.stream = u.stream AND o.seq = u.seq
                """, logger: self.logger)
        }
        guard self.client.isConnected else { return 0 }
        let rows = try await self.database.client.query("""
            SELECT stream, seq, topic, envelope FROM downlink_outbox WHERE published_ms IS NULL ORDER BY stream, seq LIMIT 500
            """, logger: self.logger)
        var published = 0
        for try await (stream, seq, topic, envelope) in rows.decode((String, Int64, String, ByteBuffer).self) {
            let row = Row(stream: stream, seq: seq)
            let alreadySent = self.state.withLock { state in
                state.inFlight.values.contains(row) || state.acknowledged.contains(row)
            }
            if alreadySent { continue }
            // Under the lock: its PUBACK, handled on the ingest loop, must find the row in flight.
            try self.state.withLock { state throws(MQTTError) in
                let messageID = try self.client.publish(topic: topic, payload: Array(envelope.readableBytesView))
                state.inFlight[messageID] = row
            }
            published += 1
        }
        return published
    }
}
