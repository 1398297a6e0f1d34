import Foundation
import Logging
import PostgresNIO
import StoregateContract
import StoregateFoundation

/// What one committed batch did.
struct BatchOutcome: Sendable, Equatable {
    var stored = 0
    var duplicates = 0
    var alerts = 0
}

/// Writes a batch of events in one transaction: the exactly-once guard (`event_keys`), the events, accepted
/// redemptions, the hourly rollups, each gateway's contiguous watermark and chain check, and what they reveal
/// (alerts, revocations). A batch delivered again (a redelivery, a second instance, a requeue) adds nothing: every
/// count is taken over the events the guard let in.
struct EventStore: Sendable {
    let database: HQDatabase
    let partitions: EventPartitions
    let downlink: DownlinkOutbox?
    let revokeDoubleRedemptions: Bool

    func commit(_ batch: [IncomingEvent], now: Int64) async throws -> BatchOutcome {
        // The same event twice in one batch is a duplicate like any other.
        var seen = Set<UUID>()
        let events = batch.filter { seen.insert($0.eventID).inserted }
            .sorted { ($0.gatewayKey, $0.payload.seq) < ($1.gatewayKey, $1.payload.seq) }
        guard !events.isEmpty else { return BatchOutcome(duplicates: batch.count) }
        try await self.partitions.ensure(days: events.map { EventPartitions.day(ofMilliseconds: $0.payload.timeMs) })
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            var outcome = BatchOutcome()
            let new = try await self.insertKeys(events, on: connection)
            let stored = events.filter { new.contains($0.eventID) }
            outcome.stored = stored.count
            outcome.duplicates = batch.count - stored.count
            var alerts = try await self.sequenceConflicts(events.filter { !new.contains($0.eventID) }, on: connection)
            if !stored.isEmpty {
                try await self.insertEvents(stored, on: connection, now: now)
                alerts += try await self.recordRedemptions(stored, on: connection, now: now)
                try await self.addRollups(stored, on: connection)
                try await self.insertSalesLines(stored, on: connection)
                try await self.recordSummaries(stored, on: connection)
                // Wakes the consoles' live pages when the batch commits (PostgreSQL delivers it only then).
                try await connection.query("NOTIFY \(unescaped: HQNotifications.eventsStored)", logger: logger)
            }
            // The gateways' rows are locked last, so that batches committing side by side (this instance's, other
            // instances') insert their rows in parallel and take turns only for the short rest. Each batch reads a
            // gateway's row once it holds the lock, so it sees every event committed before it, and its own.
            let gateways = try await self.lockGateways(Set(events.map(\.gatewayKey)).sorted(), on: connection, now: now)
            alerts += try await self.advance(gateways, with: stored, of: batch, on: connection, now: now)
            outcome.alerts = try await Alert.raise(alerts, on: connection, now: now, logger: logger)
            return outcome
        }
    }

    struct GatewayRow: Sendable {
        var key: GatewayKey
        var progress: GatewayProgress
        var highestSeq: Int64
        var gapSinceMs: Int64?
    }

    /// Locks every gateway row of the batch, in key order, creating the rows of gateways seen for the first time.
    private func lockGateways(_ keys: [GatewayKey], on connection: PostgresConnection, now: Int64) async throws -> [GatewayRow] {
        var rows = try await self.selectForUpdate(keys, on: connection)
        guard rows.count < keys.count else { return rows }
        let known = Set(rows.map(\.key))
        let new = keys.filter { !known.contains($0) }
        try await connection.query("""
            INSERT INTO gateways (store_id, gateway_id, first_seen_ms)
            SELECT s, g, \(now) FROM unnest(\(new.column(\.storeID))::text[], \(new.column(\.gatewayID))::text[]) AS u(s, g)
            ON CONFLICT DO NOTHING
            """, logger: self.database.logger)
        rows += try await self.selectForUpdate(new, on: connection)
        return rows
    }

    private func selectForUpdate(_ keys: [GatewayKey], on connection: PostgresConnection) async throws -> [GatewayRow] {
        let rows = try await connection.query("""
            SELECT store_id, gateway_id, watermark, head_hash, highest_seq, gap_since_ms FROM gateways
            WHERE (store_id, gateway_id) IN (SELECT * FROM unnest(\(keys.column(\.storeID))::text[],
                                                                  \(keys.column(\.gatewayID))::text[]))
            ORDER BY store_id, gateway_id FOR UPDATE
            """, logger: self.database.logger)
        var result: [GatewayRow] = []
        for try await (store, gateway, watermark, head, highest, gapSince) in rows.decode(
            (String, String, Int64, ByteBuffer?, Int64, Int64?).self) {
            result.append(GatewayRow(
                key: GatewayKey(storeID: store, gatewayID: gateway),
                progress: GatewayProgress(watermark: watermark, headHash: head.map { Array($0.readableBytesView) }),
                highestSeq: highest, gapSinceMs: gapSince))
        }
        return result
    }

    /// The exactly-once guard: returns the event ids that were not there before. Nearly every batch is all new, so
    /// its keys first go in with a plain INSERT, which does half the index work of `ON CONFLICT` (whose arbiter checks
    /// probe both unique indexes before the insert probes them again); a key already there makes it fail with a
    /// unique violation, undone to the savepoint, and the batch goes in again with `ON CONFLICT DO NOTHING`, which
    /// says which keys were new. Either way the unique indexes decide, also against a batch committing beside it.
    private func insertKeys(_ events: [IncomingEvent], on connection: PostgresConnection) async throws -> Set<UUID> {
        let logger = self.database.logger
        func insert(_ onConflict: String) -> PostgresQuery {
            """
            INSERT INTO event_keys (store_id, gateway_id, seq, event_id, hash, prev_hash)
            SELECT * FROM unnest(\(events.column(\.storeID))::text[], \(events.column(\.gatewayID))::text[],
                                 \(events.column(\.payload.seq))::bigint[], \(events.column(\.eventID))::uuid[],
                                 \(events.column(\.hash))::bytea[], \(events.column(\.prevHash))::bytea[])
            \(unescaped: onConflict)
            """
        }
        try await connection.query("SAVEPOINT event_keys", logger: logger)
        do {
            try await connection.query(insert(""), logger: logger)
            try await connection.query("RELEASE SAVEPOINT event_keys", logger: logger)
            return Set(events.lazy.map(\.eventID))
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == Self.uniqueViolation {
            try await connection.query("ROLLBACK TO SAVEPOINT event_keys", logger: logger)
        }
        var inserted = Set<UUID>()
        for try await id in try await connection.query(insert("ON CONFLICT DO NOTHING RETURNING event_id"), logger: logger)
            .decode(UUID.self) {
            inserted.insert(id)
        }
        return inserted
    }

    private static let uniqueViolation = "23505"

    /// Of the events the guard refused, those whose (gateway, seq) holds a different event: a gateway whose
    /// ledger was reset or restored, or a forgery. They are not stored; they are alerted.
    private func sequenceConflicts(_ refused: [IncomingEvent], on connection: PostgresConnection) async throws -> [Alert] {
        guard !refused.isEmpty else { return [] }
        let rows = try await connection.query("""
            SELECT event_id FROM event_keys WHERE event_id = ANY(\(refused.column(\.eventID))::uuid[])
            """, logger: self.database.logger)
        var known = Set<UUID>()
        for try await id in rows.decode(UUID.self) { known.insert(id) }
        return refused.filter { !known.contains($0.eventID) }.map { event in
            Alert(kind: .sequenceConflict, key: "sequence_conflict:\(event.gatewayKey):\(event.payload.seq):\(event.eventID)",
                  storeID: event.storeID, gatewayID: event.gatewayID, code: event.payload.code,
                  details: ["seq": event.payload.seq, "event_id": event.eventID.uuidString.lowercased(),
                            "problem": "another event already holds this gateway's seq \(event.payload.seq)"])
        }
    }

    private func insertEvents(_ events: [IncomingEvent], on connection: PostgresConnection, now: Int64) async throws {
        try await connection.query("""
            INSERT INTO events (day, event_id, store_id, gateway_id, seq, op, code, gtin, campaign, result, reason, lane,
                                operator, role, time_ms, provisional, payload, received_ms)
            SELECT DATE '1970-01-01' + d, id, s, g, seq, op, NULLIF(code, ''), gtin, campaign, result, reason, lane, operator, role, t, p,
                   payload, \(now)
            FROM unnest(\(events.column { Int32(EventPartitions.day(ofMilliseconds: $0.payload.timeMs)) })::integer[],
                        \(events.column(\.eventID))::uuid[], \(events.column(\.storeID))::text[],
                        \(events.column(\.gatewayID))::text[], \(events.column(\.payload.seq))::bigint[],
                        \(events.column(\.payload.op))::text[], \(events.column { $0.payload.code ?? "" })::text[],
                        \(events.column { $0.gtin ?? "" })::text[], \(events.column { $0.payload.details?.campaign ?? "" })::text[],
                        \(events.column(\.payload.result))::text[], \(events.column(\.payload.reason))::text[],
                        \(events.column(\.payload.lane))::text[], \(events.column(\.payload.operator))::text[],
                        \(events.column(\.payload.role))::text[], \(events.column(\.payload.timeMs))::bigint[],
                        \(events.column(\.payload.provisional))::boolean[], \(events.column(\.bytes))::bytea[])
                AS u(d, id, s, g, seq, op, code, gtin, campaign, result, reason, lane, operator, role, t, p, payload)
            """, logger: self.database.logger)
    }

    /// Accepted redemptions: the first per code is recorded; one at another gateway is a double redemption,
    /// alerted with both events and (by policy) answered with a signed revocation to every store.
    private func recordRedemptions(_ events: [IncomingEvent], on connection: PostgresConnection, now: Int64) async throws -> [Alert] {
        let redemptions = events.filter { $0.payload.op == "redeem" && $0.payload.result == "accepted" && $0.payload.code != nil }
        guard !redemptions.isEmpty else { return [] }
        let logger = self.database.logger
        let rows = try await connection.query("""
            INSERT INTO redemptions (code, event_id, store_id, gateway_id, seq, time_ms)
            SELECT * FROM unnest(\(redemptions.column { $0.payload.code ?? "" })::text[], \(redemptions.column(\.eventID))::uuid[],
                                 \(redemptions.column(\.storeID))::text[], \(redemptions.column(\.gatewayID))::text[],
                                 \(redemptions.column(\.payload.seq))::bigint[], \(redemptions.column(\.payload.timeMs))::bigint[])
            ON CONFLICT (code) DO NOTHING
            RETURNING event_id
            """, logger: logger)
        var first = Set<UUID>()
        for try await id in rows.decode(UUID.self) { first.insert(id) }
        var alerts: [Alert] = []
        for second in redemptions where !first.contains(second.eventID) {
            let code = second.payload.code ?? ""
            let existing = try await connection.query("""
                SELECT event_id, store_id, gateway_id, seq FROM redemptions WHERE code = \(code)
                """, logger: logger)
            for try await (firstID, store, gateway, seq) in existing.decode((UUID, String, String, Int64).self)
                where firstID != second.eventID {
                try await connection.query("""
                    INSERT INTO redemption_conflicts (event_id, code, store_id, gateway_id, seq, time_ms, first_event_id)
                    VALUES (\(second.eventID), \(code), \(second.storeID), \(second.gatewayID), \(second.payload.seq),
                            \(second.payload.timeMs), \(firstID))
                    ON CONFLICT DO NOTHING
                    """, logger: logger)
                var details: [String: any Sendable] = [
                    "first": ["event_id": firstID.uuidString.lowercased(), "store": store, "gateway": gateway, "seq": seq]
                        as [String: any Sendable],
                    "second": ["event_id": second.eventID.uuidString.lowercased(), "store": second.storeID,
                               "gateway": second.gatewayID, "seq": second.payload.seq] as [String: any Sendable],
                ]
                if self.revokeDoubleRedemptions, let downlink = self.downlink {
                    var body = DownlinkBody()
                    body.revocations = [.init(code: code, reason: "double redemption: \(store) and \(second.storeID)")]
                    let sent = try await downlink.enqueue(kind: "revocations", target: "*", body: body, on: connection, now: now, logger: logger)
                    details["revocation"] = ["stream": sent.stream, "seq": sent.seq] as [String: any Sendable]
                }
                alerts.append(Alert(kind: .doubleRedemption, key: "double_redemption:\(code):\(second.eventID)",
                                    storeID: second.storeID, gatewayID: second.gatewayID, code: code, details: details))
            }
        }
        return alerts
    }

    private func addRollups(_ events: [IncomingEvent], on connection: PostgresConnection) async throws {
        var rollups = RollupCounts()
        for event in events { rollups.add(event) }
        let entries = rollups.counters.sorted { $0.key < $1.key }
        let logger = self.database.logger
        try await connection.query("""
            INSERT INTO rollups_hourly (hour, store_id, gtin, campaign, events, received, sold, returned, redemptions, voids,
                                        verifies, rejections, revenue_minor)
            SELECT to_timestamp(h / 1000), s, gt, c, e, rc, so, rt, rd, v, vf, rj, rv
            FROM unnest(\(entries.column(\.key.hourMs))::bigint[], \(entries.column(\.key.storeID))::text[],
                        \(entries.column(\.key.gtin))::text[], \(entries.column(\.key.campaign))::text[],
                        \(entries.column(\.value.events))::bigint[], \(entries.column(\.value.received))::bigint[],
                        \(entries.column(\.value.sold))::bigint[], \(entries.column(\.value.returned))::bigint[],
                        \(entries.column(\.value.redemptions))::bigint[], \(entries.column(\.value.voids))::bigint[],
                        \(entries.column(\.value.verifies))::bigint[], \(entries.column(\.value.rejections))::bigint[],
                        \(entries.column(\.value.revenueMinor))::bigint[])
                AS u(h, s, gt, c, e, rc, so, rt, rd, v, vf, rj, rv)
            ON CONFLICT (hour, store_id, gtin, campaign) DO UPDATE SET
                events = rollups_hourly.events + excluded.events,
                received = rollups_hourly.received + excluded.received,
                sold = rollups_hourly.sold + excluded.sold,
                returned = rollups_hourly.returned + excluded.returned,
                redemptions = rollups_hourly.redemptions + excluded.redemptions,
                voids = rollups_hourly.voids + excluded.voids,
                verifies = rollups_hourly.verifies + excluded.verifies,
                rejections = rollups_hourly.rejections + excluded.rejections,
                revenue_minor = rollups_hourly.revenue_minor + excluded.revenue_minor
            """, logger: logger)
        let rejections = rollups.rejections.sorted { $0.key < $1.key }
        guard !rejections.isEmpty else { return }
        try await connection.query("""
            INSERT INTO rollup_rejections (hour, store_id, gtin, campaign, result, count)
            SELECT to_timestamp(h / 1000), s, gt, c, r, n
            FROM unnest(\(rejections.column(\.key.key.hourMs))::bigint[], \(rejections.column(\.key.key.storeID))::text[],
                        \(rejections.column(\.key.key.gtin))::text[], \(rejections.column(\.key.key.campaign))::text[],
                        \(rejections.column(\.key.result))::text[], \(rejections.column(\.value))::bigint[]) AS u(h, s, gt, c, r, n)
            ON CONFLICT (hour, store_id, gtin, campaign, result) DO UPDATE SET count = rollup_rejections.count + excluded.count
            """, logger: logger)
    }

    /// The lines of accepted baskets, one row each (sell-out by SKU, price and currency).
    private func insertSalesLines(_ events: [IncomingEvent], on connection: PostgresConnection) async throws {
        let lines = events.filter { $0.payload.op == "sale" && $0.payload.result == "accepted" }
            .flatMap { event in (event.payload.details?.lines ?? []).map { (event: event, line: $0) } }
        guard !lines.isEmpty else { return }
        try await connection.query("""
            INSERT INTO sales_lines (event_id, line, store_id, gtin, code, quantity, unit_price_minor, discount_minor, currency, time_ms)
            SELECT id, n, s, g, NULLIF(c, ''), q, NULLIF(p, -1), d, NULLIF(cur, ''), t
            FROM unnest(\(lines.column(\.event.eventID))::uuid[], \(lines.column { Int32(clamping: $0.line.line) })::integer[],
                        \(lines.column(\.event.storeID))::text[], \(lines.column { $0.line.gtin ?? "" })::text[],
                        \(lines.column { $0.line.code ?? "" })::text[], \(lines.column(\.line.quantity))::bigint[],
                        \(lines.column { $0.line.unitPrice ?? -1 })::bigint[], \(lines.column { $0.line.discount ?? 0 })::bigint[],
                        \(lines.column { $0.event.payload.details?.currency ?? "" })::text[],
                        \(lines.column(\.event.payload.timeMs))::bigint[]) AS u(id, n, s, g, c, q, p, d, cur, t)
            ON CONFLICT DO NOTHING
            """, logger: self.database.logger)
    }

    /// Each `sales_summary` is kept until the jobs have checked it against the events of its range.
    private func recordSummaries(_ events: [IncomingEvent], on connection: PostgresConnection) async throws {
        for event in events where event.payload.op == "sales_summary" {
            guard let summary = event.payload.details?.summary else { continue }
            try await connection.query("""
                INSERT INTO sales_summaries (store_id, gateway_id, seq, first_seq, last_seq, period_start_ms, period_end_ms)
                VALUES (\(event.storeID), \(event.gatewayID), \(event.payload.seq), \(summary.firstSeq), \(summary.lastSeq),
                        \(summary.periodStartMs), \(summary.periodEndMs))
                ON CONFLICT DO NOTHING
                """, logger: self.database.logger)
        }
    }

    /// Moves each gateway's watermark over what is now contiguous, checking the chain link by link.
    private func advance(_ gateways: [GatewayRow], with stored: [IncomingEvent], of batch: [IncomingEvent], on connection: PostgresConnection, now: Int64) async throws -> [Alert] {
        let logger = self.database.logger
        var linksByGateway: [GatewayKey: [ChainLink]] = [:]
        var storedByGateway: [GatewayKey: Int64] = [:]
        var refusedByGateway: [GatewayKey: Int64] = [:]
        for event in stored {
            linksByGateway[event.gatewayKey, default: []].append(event.link)
            storedByGateway[event.gatewayKey, default: 0] += 1
        }
        // Everything of the batch not stored was a duplicate: refused by the guard, or repeated within the batch.
        for event in batch { refusedByGateway[event.gatewayKey, default: 0] += 1 }
        for (key, count) in storedByGateway { refusedByGateway[key, default: 0] -= count }
        // Where events above the watermark were waiting, what is there now (this batch's included) is read.
        let waiting = gateways.filter { $0.highestSeq > $0.progress.watermark }
        let storedLinks = try await self.storedLinks(waiting, on: connection)
        var alerts: [Alert] = []
        var updated: [GatewayRow] = []
        for var gateway in gateways {
            let links = gateway.highestSeq > gateway.progress.watermark
                ? storedLinks[gateway.key] ?? [] : linksByGateway[gateway.key] ?? []
            let before = gateway.progress.watermark
            for broken in gateway.progress.advance(over: links) {
                alerts.append(Alert(
                    kind: .chainBroken, key: "chain_broken:\(gateway.key):\(broken.seq)", storeID: gateway.key.storeID,
                    gatewayID: gateway.key.gatewayID, code: nil,
                    details: ["seq": broken.seq, "expected_prev_hash": Hex.encode(broken.expected), "prev_hash": Hex.encode(broken.found)]))
            }
            gateway.highestSeq = max(gateway.highestSeq, links.map(\.seq).max() ?? 0)
            if gateway.progress.watermark >= gateway.highestSeq {
                gateway.gapSinceMs = nil
            } else if gateway.gapSinceMs == nil || gateway.progress.watermark != before {
                gateway.gapSinceMs = now
            }
            updated.append(gateway)
        }
        try await connection.query("""
            UPDATE gateways AS g SET watermark = u.w, head_hash = u.h, highest_seq = u.hi, gap_since_ms = NULLIF(u.gap, -1),
                events = g.events + u.n, duplicates = g.duplicates + u.d
            FROM unnest(\(updated.column(\.key.storeID))::text[], \(updated.column(\.key.gatewayID))::text[],
                        \(updated.column(\.progress.watermark))::bigint[],
                        \(updated.column { $0.progress.headHash ?? [] })::bytea[],
                        \(updated.column(\.highestSeq))::bigint[], \(updated.column { $0.gapSinceMs ?? -1 })::bigint[],
                        \(updated.column { storedByGateway[$0.key] ?? 0 })::bigint[],
                        \(updated.column { refusedByGateway[$0.key] ?? 0 })::bigint[]) AS u(s, gw, w, h, hi, gap, n, d)
            WHERE g.store_id = u.s AND g.gateway_id = u.gw
            """, logger: logger)
        return alerts
    }

    /// The links stored above each gateway's watermark (the lowest 100,000 per gateway and call).
    private func storedLinks(_ gateways: [GatewayRow], on connection: PostgresConnection) async throws -> [GatewayKey: [ChainLink]] {
        guard !gateways.isEmpty else { return [:] }
        let rows = try await connection.query("""
            SELECT g.s, g.gw, k.seq, k.hash, k.prev_hash
            FROM unnest(\(gateways.column(\.key.storeID))::text[], \(gateways.column(\.key.gatewayID))::text[],
                        \(gateways.column(\.progress.watermark))::bigint[]) AS g(s, gw, w)
            CROSS JOIN LATERAL (SELECT seq, hash, prev_hash FROM event_keys
                                WHERE store_id = g.s AND gateway_id = g.gw AND seq > g.w ORDER BY seq LIMIT 100000) AS k
            """, logger: self.database.logger)
        var links: [GatewayKey: [ChainLink]] = [:]
        for try await (store, gateway, seq, hash, prevHash) in rows.decode((String, String, Int64, ByteBuffer, ByteBuffer).self) {
            links[GatewayKey(storeID: store, gatewayID: gateway), default: []].append(
                ChainLink(seq: seq, hash: Array(hash.readableBytesView), prevHash: Array(prevHash.readableBytesView)))
        }
        return links
    }
}
