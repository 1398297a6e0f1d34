import Logging
import PostgresNIO
import StoregateContract
import StoregateTrust

/// Sends one store again a message HQ sent before, as a new message of the store's own stream of that kind: a
/// fresh seq (the gateway refuses a seq at or below the one it applied, and a broadcast stream's seq is another
/// stream's) and a fresh `issued_ms` (its freshness check must accept it). The same body, signed anew.
struct DownlinkCopies {
    let outbox: DownlinkOutbox

    /// Kinds whose messages change only what they name, so that their order decides the result (a policy set to A,
    /// then B): a copy of one of them is followed by copies of every later message of the kind the store was sent.
    static let ordered: Set<String> = ["policy", "keys"]

    /// How long a broadcast message that was copied waits for its copy's report before ``BroadcastDelivery`` looks
    /// at it again, when the caller does not say.
    static let defaultWaitMilliseconds: Int64 = 60_000

    struct Copy: Sendable {
        var stream: String
        var seq: Int64
        var copyStream: String
        var copySeq: Int64
    }

    /// Copies `stream`/`seq` (and for ``ordered`` kinds what followed it) to `store`, in the caller's transaction.
    func copy(stream: String, seq: Int64, to store: String, on connection: PostgresConnection, now: Int64,
              logger: Logger) async throws -> [Copy] {
        let kind = String(stream.prefix { $0 != ":" })
        let rows = try await connection.query("""
            SELECT o.stream, o.seq, o.envelope FROM downlink_outbox AS o, downlink_outbox AS first
            WHERE first.stream = \(stream) AND first.seq = \(seq)
              AND (o.id = first.id OR (\(Self.ordered.contains(kind)) AND o.id > first.id
                                       AND o.stream = ANY(\(["\(kind):\(store)", "\(kind):*"])::text[])))
            ORDER BY o.id
            """, logger: logger)
        var originals: [(stream: String, seq: Int64, message: DownlinkMessage)] = []
        for try await (stream, seq, envelope) in rows.decode((String, Int64, ByteBuffer).self) {
            guard let message = Self.message(in: Array(envelope.readableBytesView)) else { continue }
            originals.append((stream, seq, message))
        }
        var copies: [Copy] = []
        for original in originals {
            let sent = try await self.outbox.enqueue(kind: original.message.kind, target: store, body: original.message.body,
                                                     on: connection, now: now, logger: logger)
            copies.append(Copy(stream: original.stream, seq: original.seq, copyStream: sent.stream, copySeq: sent.seq))
        }
        return copies
    }

    /// The broadcast messages among `copies` (or the copies they awaited) now await their new copy at `store`, and
    /// are looked at again after `wait`: a message sent again is not sent a second time by ``BroadcastDelivery``.
    static func awaitCopies(_ copies: [Copy], store: String, wait: Int64 = defaultWaitMilliseconds,
                            on connection: PostgresConnection, now: Int64, logger: Logger) async throws {
        guard !copies.isEmpty else { return }
        try await connection.query("""
            UPDATE broadcast_delivery AS d SET sent_stream = u.copy_stream, sent_seq = u.copy_seq,
                due_ms = greatest(d.due_ms, \(now + wait)), updated_ms = \(now)
            FROM unnest(\(copies.map(\.stream))::text[], \(copies.map(\.seq))::bigint[], \(copies.map(\.copyStream))::text[],
                        \(copies.map(\.copySeq))::bigint[]) AS u(stream, seq, copy_stream, copy_seq)
            WHERE d.store_id = \(store) AND d.state = 'sent'
              AND ((d.stream = u.stream AND d.seq = u.seq) OR (d.sent_stream = u.stream AND d.sent_seq = u.seq))
            """, logger: logger)
    }

    /// The message inside a stored envelope.
    static func message(in envelope: [UInt8]) -> DownlinkMessage? {
        guard let wrapper = try? HQJSON.decode(DownlinkEnvelope.self, from: envelope),
              let payload = Base64URL.decode(wrapper.payload) else { return nil }
        return try? HQJSON.decode(DownlinkMessage.self, from: payload)
    }
}
