import Logging
import PostgresNIO
import StoregateContract
import StoregateFoundation

/// HQ's side of the signed downlink: a message decided in a transaction is signed and written in that same
/// transaction with the next seq of its stream, so it is sent if and only if the decision is committed. The
/// ``DownlinkPublisher`` sends what is written, in seq order per stream.
struct DownlinkOutbox: Sendable {
    let signer: DownlinkSigner

    /// Writes `body` as the next message of the stream (`kind`, `target`: a store id or `*` for every store).
    @discardableResult
    func enqueue(kind: String, target: String, body: DownlinkBody, on connection: PostgresConnection, now: Int64,
                 logger: Logger) async throws -> (stream: String, seq: Int64) {
        let stream = "\(kind):\(target)"
        // The stream's row lock is held to the commit: a second writer waits, so seq order is commit order.
        let rows = try await connection.query("""
            INSERT INTO downlink_streams (stream, seq) VALUES (\(stream), 1)
            ON CONFLICT (stream) DO UPDATE SET seq = downlink_streams.seq + 1
            RETURNING seq
            """, logger: logger)
        var seq: Int64 = 0
        for try await value in rows.decode(Int64.self) { seq = value }
        let message = DownlinkMessage(kind: kind, target: target, seq: seq, issuedMs: now, body: body)
        let envelope = try self.signer.envelope(for: message)
        let topic = target == "*" ? TopicScheme.broadcastDownlink(kind: kind) : TopicScheme.storeDownlink(storeID: target, kind: kind)
        try await connection.query("""
            INSERT INTO downlink_outbox (stream, seq, topic, envelope, created_ms)
            VALUES (\(stream), \(seq), \(topic), \(ByteBuffer(bytes: envelope)), \(now))
            """, logger: logger)
        return (stream, seq)
    }
}
