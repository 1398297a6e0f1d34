import Logging
import PostgresNIO
import StoregateContract

/// A store rejected a message as `expired`: it was issued longer ago than the store's `downlink.max_age_hours`
/// (it waited in a broker session, or HQ published it again for a store that stayed away). HQ issues it again to
/// that store as a new message of the store's stream with a fresh `issued_ms` (``DownlinkCopies``), once per
/// expired message: a re-issued message rejected `expired` again means the store's clock runs ahead of HQ's (or the
/// message is withheld on the way), and sending more would loop, so it is the alert `downlink_expired` instead.
/// Commands and sync beacons are about their moment and are not re-issued (a gap's requeue is sent anew anyway).
/// The code batch and broadcast tracking follow the new message.
struct DownlinkReissue {
    let database: HQDatabase
    let copies: DownlinkCopies
    let logger: Logger

    static let perPass = 200

    func run(now: Int64) async throws {
        let rows = try await self.database.client.query("""
            SELECT DISTINCT r.store_id, r.stream, r.seq, r.reason, x.stream, x.seq
            FROM downlink_reports AS r
            LEFT JOIN downlink_reissues AS x ON x.store_id = r.store_id AND x.reissued_stream = r.stream AND x.reissued_seq = r.seq
            WHERE r.problem = 'expired' AND split_part(r.stream, ':', 1) = ANY(\(DownlinkResend.kinds)::text[])
              AND NOT EXISTS (SELECT 1 FROM downlink_reissues AS d
                              WHERE d.store_id = r.store_id AND d.stream = r.stream AND d.seq = r.seq)
            ORDER BY r.store_id, r.stream, r.seq LIMIT \(Self.perPass)
            """, logger: self.logger)
        var expired: [(store: String, stream: String, seq: Int64, reason: String, original: (String, Int64)?)] = []
        for try await (store, stream, seq, reason, originalStream, originalSeq) in rows.decode(
            (String, String, Int64, String, String?, Int64?).self) {
            // Two gateways of one store may both have reported it.
            if expired.contains(where: { $0.store == store && $0.stream == stream && $0.seq == seq }) { continue }
            expired.append((store, stream, seq, reason, originalStream.flatMap { stream in originalSeq.map { (stream, $0) } }))
        }
        for message in expired {
            try await self.database.transaction { connection in
                let claimed = try await connection.query("""
                    INSERT INTO downlink_reissues (store_id, stream, seq, time_ms) VALUES (\(message.store), \(message.stream), \(message.seq), \(now))
                    ON CONFLICT DO NOTHING RETURNING 1
                    """, logger: self.logger)
                var isNew = false
                for try await _ in claimed.decode(Int.self) { isNew = true }
                guard isNew else { return }
                if let original = message.original {
                    try await self.giveUp(message.store, message.stream, message.seq, original: original, reason: message.reason,
                                          on: connection, now: now)
                    return
                }
                let made = try await self.copies.copy(stream: message.stream, seq: message.seq, to: message.store, on: connection,
                                                      now: now, logger: self.logger)
                guard let reissued = made.first(where: { $0.stream == message.stream && $0.seq == message.seq }) else { return }
                try await connection.query("""
                    UPDATE downlink_reissues SET reissued_stream = \(reissued.copyStream), reissued_seq = \(reissued.copySeq)
                    WHERE store_id = \(message.store) AND stream = \(message.stream) AND seq = \(message.seq)
                    """, logger: self.logger)
                // A code batch's message is now the new one: `sent` until the store reports it, resent until then.
                try await connection.query("""
                    UPDATE batch_distribution SET seq = \(reissued.copySeq), state = 'sent', reason = NULL, sent_ms = \(now), updated_ms = \(now)
                    WHERE store_id = \(message.store) AND stream = \(message.stream) AND seq = \(message.seq)
                    """, logger: self.logger)
                try await DownlinkCopies.awaitCopies(made, store: message.store, on: connection, now: now, logger: self.logger)
                self.logger.notice("""
                    store \(message.store) rejected \(message.stream) seq \(message.seq) as expired: issued again as \
                    \(reissued.copyStream) seq \(reissued.copySeq)\(made.count > 1 ? " with the \(made.count - 1) later message(s) of its kind" : "")
                    """)
            }
        }
    }

    /// The re-issued message expired too: no third try; an alert, and the tracking says rejected.
    private func giveUp(_ store: String, _ stream: String, _ seq: Int64, original: (String, Int64), reason: String,
                        on connection: PostgresConnection, now: Int64) async throws {
        try await Alert.raise([Alert(
            kind: .downlinkExpired, key: "downlink_expired:\(store):\(original.0):\(original.1)", storeID: store, gatewayID: nil,
            code: nil, details: ["stream": original.0, "seq": original.1, "reissued_stream": stream, "reissued_seq": seq,
                                 "reason": reason])], on: connection, now: now, logger: self.logger)
        try await connection.query("""
            UPDATE broadcast_delivery SET state = 'rejected', reason = \(reason), updated_ms = \(now)
            WHERE store_id = \(store) AND sent_stream = \(stream) AND sent_seq = \(seq) AND state = 'sent'
            """, logger: self.logger)
    }
}
