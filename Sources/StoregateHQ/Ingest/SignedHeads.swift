import Logging
import PostgresNIO
import StoregateContract
import StoregateFoundation

/// The journal heads gateways sign in their heartbeats (docs/hq.md, "Signed heads"): the key is pinned from the
/// first retained status that names one; a head that verifies under it moves the gateway's `highest_seq` up to
/// what the gateway holds delivered (so a lost tail is a gap, requeued like any other), and is compared with the
/// stored chain once the watermark reaches it.
enum SignedHeads {
    /// A status naming another key than the one pinned: the first key stays, and it is an alert (a gateway id does
    /// not get a new key unless its ledger was copied or forged; a re-initialised ledger has a new gateway id).
    static func checkKey(_ key: String?, store: String, gateway: String, on connection: PostgresConnection, now: Int64,
                         logger: Logger) async throws {
        guard let key else { return }
        let rows = try await connection.query("""
            SELECT gateway_key FROM gateways WHERE store_id = \(store) AND gateway_id = \(gateway)
            """, logger: logger)
        for try await pinned in rows.decode(String?.self) where pinned != nil && pinned != key {
            try await Alert.raise([Alert(
                kind: .gatewayKeyChanged, key: "gateway_key_changed:\(store)/\(gateway):\(key)", storeID: store, gatewayID: gateway,
                code: nil, details: ["pinned_key": pinned ?? "", "status_key": key])], on: connection, now: now, logger: logger)
        }
    }

    /// Verifies `head` under the pinned key and keeps it if it is newer than the one kept. Without a pinned key yet
    /// (the retained status normally comes first) the head is not used.
    static func record(_ head: SignedJournalHead, of heartbeat: GatewayHeartbeat, store: String, gateway: String,
                       on connection: PostgresConnection, now: Int64, logger: Logger) async throws {
        let rows = try await connection.query("""
            SELECT gateway_key, coalesce(signed_head_ms, 0) FROM gateways
            WHERE store_id = \(store) AND gateway_id = \(gateway) FOR UPDATE
            """, logger: logger)
        var pinned: (key: String?, headMs: Int64)?
        for try await row in rows.decode((String?, Int64).self) { pinned = row }
        guard let pinned, let key = pinned.key else {
            logger.info("heartbeat head of \(store)/\(gateway) not used: no gateway key pinned yet (its status has not arrived)")
            return
        }
        guard head.isSigned(by: key, storeId: store, gatewayId: gateway, timeMs: heartbeat.timeMs),
              let hash = Hex.decode(head.hash), hash.count == 32, head.deliveredThroughSeq <= head.seq else {
            try await Alert.raise([Alert(
                kind: .headSignatureInvalid, key: "head_signature_invalid:\(store)/\(gateway):\(heartbeat.timeMs)", storeID: store,
                gatewayID: gateway, code: nil,
                details: ["seq": head.seq, "time_ms": heartbeat.timeMs, "problem": "the head does not verify under the pinned gateway key"])],
                on: connection, now: now, logger: logger)
            return
        }
        // An older heartbeat (QoS 0 can arrive out of order, or be replayed) changes nothing.
        guard heartbeat.timeMs > pinned.headMs else { return }
        try await connection.query("""
            UPDATE gateways SET signed_head_seq = \(head.seq), signed_head_hash = \(ByteBuffer(bytes: hash)),
                signed_head_ms = \(heartbeat.timeMs),
                gap_since_ms = CASE WHEN greatest(highest_seq, \(head.deliveredThroughSeq)) > watermark
                                    THEN coalesce(gap_since_ms, \(now)) ELSE gap_since_ms END,
                highest_seq = greatest(highest_seq, \(head.deliveredThroughSeq))
            WHERE store_id = \(store) AND gateway_id = \(gateway)
            """, logger: logger)
    }

    /// Heads the watermark has reached, each compared once: the hash of the stored event at the head's seq must be
    /// the signed one.
    static func compareReachedHeads(database: HQDatabase, now: Int64, logger: Logger) async throws {
        try await database.transaction { connection in
            let rows = try await connection.query("""
                SELECT g.store_id, g.gateway_id, g.signed_head_seq, g.signed_head_ms, g.signed_head_hash, k.hash
                FROM gateways AS g
                LEFT JOIN event_keys AS k ON k.store_id = g.store_id AND k.gateway_id = g.gateway_id AND k.seq = g.signed_head_seq
                WHERE g.signed_head_ms > g.head_checked_ms AND g.watermark >= g.signed_head_seq
                ORDER BY g.store_id, g.gateway_id LIMIT 1000 FOR UPDATE OF g
                """, logger: logger)
            var checked: [(store: String, gateway: String, headMs: Int64)] = []
            var alerts: [Alert] = []
            for try await (store, gateway, seq, headMs, signed, stored) in rows.decode(
                (String, String, Int64, Int64, ByteBuffer, ByteBuffer?).self) {
                checked.append((store, gateway, headMs))
                let signedHash = Array(signed.readableBytesView)
                // Seq 0 is the empty journal: its hash is the genesis hash, and no event stands there.
                let storedHash = seq == 0 ? [UInt8](repeating: 0, count: 32) : stored.map { Array($0.readableBytesView) }
                if storedHash != signedHash {
                    alerts.append(Alert(
                        kind: .headMismatch, key: "head_mismatch:\(store)/\(gateway):\(seq):\(Hex.encode(signedHash))", storeID: store,
                        gatewayID: gateway, code: nil,
                        details: ["seq": seq, "signed_hash": Hex.encode(signedHash), "stored_hash": storedHash.map(Hex.encode) ?? "",
                                  "problem": "the event HQ stored at this seq is not the one the gateway's signed head names"]))
                }
            }
            for head in checked {
                try await connection.query("""
                    UPDATE gateways SET head_checked_ms = \(head.headMs) WHERE store_id = \(head.store) AND gateway_id = \(head.gateway)
                    """, logger: logger)
            }
            try await Alert.raise(alerts, on: connection, now: now, logger: logger)
        }
    }
}
