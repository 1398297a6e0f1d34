import Foundation
import Logging
import PostgresNIO
public import ServiceLifecycle
import StoregateContract
import StoregateCore
import StoregateFoundation

/// HQ's periodic work, done by one instance at a time: the one holding the `leader` lease in the `jobs` table
/// (renewed every pass; another instance takes over when it lapses). Each pass: publish the downlink outbox,
/// heal gaps (signed `requeue`, then `gap_unfilled`), send code batch and broadcast messages again to the stores
/// that have not reported them, re-issue what a store rejected as expired, and when due: make partitions ahead, send the sync beacon,
/// alert offline or lagging gateways, counterfeit spikes and diversion.
public final class HQJobs: Service, Sendable {
    static let leaseMilliseconds: Int64 = 5_000

    private let configuration: HQConfiguration
    private let database: HQDatabase
    private let partitions: EventPartitions
    private let publisher: DownlinkPublisher
    private let downlink: DownlinkOutbox?
    private let owner: String
    private let logger: Logger

    init(configuration: HQConfiguration, database: HQDatabase, partitions: EventPartitions, publisher: DownlinkPublisher,
         downlink: DownlinkOutbox?, logger: Logger) {
        self.configuration = configuration
        self.database = database
        self.partitions = partitions
        self.publisher = publisher
        self.downlink = downlink
        self.owner = "\(configuration.mqtt.clientID)-\(UUID().uuidString.prefix(8))"
        self.logger = logger
    }

    public func run() async throws {
        if self.downlink == nil {
            self.logger.warning("no downlink key configured ([downlink] key_id, key_file): gaps cannot be healed, nothing is sent to the stores")
        }
        guard try await self.database.waitForSchema() else { return }
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                if try await self.holdLease() { try await self.pass() }
            } catch {
                self.logger.warning("jobs: \(String(reflecting: error))")
            }
            try? await Task.sleep(for: .milliseconds(self.configuration.jobIntervalMilliseconds))
        }
    }

    /// One pass of everything that is due (also what the tests call).
    func pass() async throws {
        let now = Timestamp.now.milliseconds
        try await self.publisher.publishPending()
        if try await self.due("partitions", every: 3_600_000, now: now) {
            try await self.partitions.makeAhead(days: self.configuration.partitionDaysAhead, now: now)
        }
        try await self.healGaps(now: now)
        try await SummaryCheck(database: self.database, downlink: self.downlink, logger: self.logger).run(now: now)
        try await SignedHeads.compareReachedHeads(database: self.database, now: now, logger: self.logger)
        try await self.resendUnreportedBatches(now: now)
        if let downlink = self.downlink {
            // Expired messages first: a broadcast copy rejected `expired` is re-issued there, not copied again.
            let copies = DownlinkCopies(outbox: downlink)
            try await DownlinkReissue(database: self.database, copies: copies, logger: self.logger).run(now: now)
            try await BroadcastDelivery(database: self.database, copies: copies,
                                        resendMilliseconds: self.configuration.downlinkResendMilliseconds, logger: self.logger)
                .run(now: now, lookForNewStores: try await self.due("broadcast_stores", every: 5_000, now: now))
        }
        if self.configuration.syncBeaconMilliseconds > 0, let downlink = self.downlink,
           try await self.due("sync_beacon", every: self.configuration.syncBeaconMilliseconds, now: now) {
            try await self.database.transaction { connection in
                try await downlink.enqueue(kind: "sync", target: "*", body: DownlinkBody(), on: connection, now: now, logger: self.logger)
            }
        }
        if try await self.due("gateway_health", every: self.configuration.gatewayHealthCheckMilliseconds, now: now) {
            try await self.checkGateways(now: now)
        }
        if try await self.due("counterfeit_and_diversion", every: self.configuration.counterfeitAndDiversionCheckMilliseconds, now: now) {
            try await self.checkCounterfeits(now: now)
            try await self.checkDiversion(now: now)
        }
        try await self.publisher.publishPending()
    }

    /// Takes or renews the lease; true while this instance holds it.
    private func holdLease() async throws -> Bool {
        let now = Timestamp.now.milliseconds
        let rows = try await self.database.client.query("""
            INSERT INTO jobs (name, next_ms, owner) VALUES ('leader', \(now + Self.leaseMilliseconds), \(self.owner))
            ON CONFLICT (name) DO UPDATE SET next_ms = excluded.next_ms, owner = excluded.owner
            WHERE jobs.owner = excluded.owner OR jobs.next_ms < \(now)
            RETURNING owner
            """, logger: self.logger)
        var held = false
        for try await _ in rows.decode(String.self) { held = true }
        return held
    }

    /// True once per `every` across all instances.
    private func due(_ job: String, every: Int64, now: Int64) async throws -> Bool {
        let rows = try await self.database.client.query("""
            INSERT INTO jobs (name, next_ms) VALUES (\(job), \(now + every))
            ON CONFLICT (name) DO UPDATE SET next_ms = excluded.next_ms WHERE jobs.next_ms <= \(now)
            RETURNING name
            """, logger: self.logger)
        var due = false
        for try await _ in rows.decode(String.self) { due = true }
        return due
    }

    /// A gap older than the configured age is asked for again (signed `requeue` of exactly the missing range); a
    /// gap its requeues did not fill becomes an alert, and the requeues go on. Filled gaps close their alert.
    func healGaps(now: Int64) async throws {
        try await self.database.transaction { connection in
            try await connection.query("""
                UPDATE requeues AS r SET filled_ms = \(now) FROM gateways AS g
                WHERE r.store_id = g.store_id AND r.gateway_id = g.gateway_id AND r.filled_ms IS NULL AND r.to_seq <= g.watermark
                """, logger: self.logger)
            try await connection.query("""
                UPDATE alerts AS a SET resolved_ms = \(now) FROM gateways AS g
                WHERE a.kind = 'gap_unfilled' AND a.resolved_ms IS NULL AND a.store_id = g.store_id
                  AND a.gateway_id = g.gateway_id AND (a.details->>'to_seq')::bigint <= g.watermark
                """, logger: self.logger)
        }
        guard let downlink = self.downlink else { return }
        let rows = try await self.database.client.query("""
            SELECT g.store_id, g.gateway_id, g.watermark, g.highest_seq,
                   (SELECT min(k.seq) FROM event_keys AS k
                    WHERE k.store_id = g.store_id AND k.gateway_id = g.gateway_id AND k.seq > g.watermark)
            FROM gateways AS g
            WHERE g.highest_seq > g.watermark AND g.gap_since_ms <= \(now - self.configuration.gapRequeueAfterMilliseconds)
            ORDER BY g.store_id, g.gateway_id LIMIT 1000
            """, logger: self.logger)
        var gaps: [(store: String, gateway: String, from: Int64, to: Int64)] = []
        for try await (store, gateway, watermark, highest, next) in rows.decode((String, String, Int64, Int64, Int64?).self) {
            // Up to the next stored event; with none above the watermark, up to what the gateway's signed head says
            // it delivered (a lost tail).
            let to = next.map { $0 - 1 } ?? highest
            if to > watermark { gaps.append((store, gateway, watermark + 1, to)) }
        }
        for gap in gaps {
            try await self.database.transaction { connection in
                let sent = try await connection.query("""
                    SELECT attempts, last_sent_ms FROM requeues
                    WHERE store_id = \(gap.store) AND gateway_id = \(gap.gateway) AND from_seq = \(gap.from) FOR UPDATE
                    """, logger: self.logger)
                var previous: (attempts: Int32, lastSent: Int64)?
                for try await row in sent.decode((Int32, Int64).self) { previous = row }
                if let previous, previous.lastSent > now - self.configuration.requeueResendMilliseconds { return }
                var body = DownlinkBody()
                body.command = "requeue"
                body.fromSeq = gap.from
                body.toSeq = gap.to
                let message = try await downlink.enqueue(kind: "commands", target: gap.store, body: body, on: connection, now: now,
                                                         logger: self.logger)
                let attempts = (previous?.attempts ?? 0) + 1
                try await connection.query("""
                    INSERT INTO requeues (store_id, gateway_id, from_seq, to_seq, first_sent_ms, last_sent_ms, attempts)
                    VALUES (\(gap.store), \(gap.gateway), \(gap.from), \(gap.to), \(now), \(now), 1)
                    ON CONFLICT (store_id, gateway_id, from_seq) DO UPDATE SET to_seq = excluded.to_seq,
                        last_sent_ms = excluded.last_sent_ms, attempts = requeues.attempts + 1, filled_ms = NULL
                    """, logger: self.logger)
                self.logger.notice("gap \(gap.store)/\(gap.gateway) seq \(gap.from)–\(gap.to): requeue sent (\(message.stream) seq \(message.seq), attempt \(attempts))")
                if attempts >= self.configuration.gapAlertAfterRequeues {
                    try await Alert.raise([Alert(
                        kind: .gapUnfilled, key: "gap_unfilled:\(gap.store)/\(gap.gateway):\(gap.from)", storeID: gap.store,
                        gatewayID: gap.gateway, code: nil,
                        details: ["from_seq": gap.from, "to_seq": gap.to, "requeues": Int(attempts)])], on: connection, now: now, logger: self.logger)
                }
            }
        }
    }

    /// A code batch message its store has not reported is published again (the same signed bytes).
    private func resendUnreportedBatches(now: Int64) async throws {
        try await self.database.client.query("""
            UPDATE downlink_outbox AS o SET published_ms = NULL
            FROM batch_distribution AS d
            WHERE d.state = 'sent' AND d.stream = o.stream AND d.seq = o.seq
              AND o.published_ms < \(now - self.configuration.downlinkResendMilliseconds)
            """, logger: self.logger)
    }

    /// The window over which a gateway's broker connections are counted.
    static let connectionWindowMs: Int64 = 3_600_000

    /// Gateways whose retained status says offline (a Last Will), that went silent, whose backlog is old, or that
    /// keep opening new connections.
    private func checkGateways(now: Int64) async throws {
        let rows = try await self.database.client.query("""
            SELECT store_id, gateway_id, coalesce(status_state, ''), coalesce(last_status_ms, 0),
                   coalesce(last_heard_ms, greatest(coalesce(last_status_ms, 0), coalesce(last_heartbeat_ms, 0))),
                   coalesce((last_status->>'oldest_undelivered_age_ms')::bigint, 0),
                   CASE WHEN connections_since_ms > \(now - Self.connectionWindowMs) THEN connections ELSE 0 END, coalesce(connections_since_ms, 0)
            FROM gateways
            """, logger: self.logger)
        var alerts: [Alert] = []
        var online: [GatewayKey] = []
        // Heard from: HQ's clock when the gateway last published a status or heartbeat; before any since this
        // version, its own clock's times.
        for try await (store, gateway, state, statusMs, lastHeard, backlogAge, connections, connectionsSince) in rows.decode(
            (String, String, String, Int64, Int64, Int64, Int, Int64).self) {
            let key = GatewayKey(storeID: store, gatewayID: gateway)
            if state == "offline" {
                alerts.append(Alert(kind: .gatewayOffline, key: "gateway_offline:\(key):\(statusMs)", storeID: store, gatewayID: gateway,
                                    code: nil, details: ["reason": "retained status offline", "since_ms": statusMs]))
            } else if lastHeard > 0 && lastHeard < now - self.configuration.staleGatewayMilliseconds {
                alerts.append(Alert(kind: .gatewayOffline, key: "gateway_offline:\(key):silent:\(lastHeard)", storeID: store,
                                    gatewayID: gateway, code: nil, details: ["reason": "no status or heartbeat", "last_heard_ms": lastHeard]))
            } else if state == "online" {
                online.append(key)
            }
            if connections >= self.configuration.connectionsPerHourAlert {
                alerts.append(Alert(
                    kind: .gatewayFlapping, key: "gateway_flapping:\(key):\(connectionsSince)", storeID: store, gatewayID: gateway,
                    code: nil, details: [
                        "connections": connections, "since_ms": connectionsSince,
                        "likely": "two boxes running this gateway's identity (a cloned disk or a restored image) taking each other's "
                            + "broker session over, each reconnecting within a second; or a network that keeps failing",
                    ]))
            }
            if backlogAge > self.configuration.backlogAgeAlertMilliseconds {
                alerts.append(Alert(kind: .gatewayBehind, key: "gateway_behind:\(key):\(now / 86_400_000)", storeID: store,
                                    gatewayID: gateway, code: nil, details: ["oldest_undelivered_age_ms": backlogAge]))
            }
        }
        try await self.database.transaction { connection in
            try await Alert.raise(alerts, on: connection, now: now, logger: self.logger)
            guard !online.isEmpty else { return }
            try await connection.query("""
                UPDATE alerts AS a SET resolved_ms = \(now)
                FROM unnest(\(online.map(\.storeID))::text[], \(online.map(\.gatewayID))::text[]) AS u(s, g)
                WHERE a.kind = 'gateway_offline' AND a.resolved_ms IS NULL AND a.store_id = u.s AND a.gateway_id = u.g
                """, logger: self.logger)
        }
    }

    /// Counterfeit signals (bad_signature, unknown_code) of this hour per store, above both the configured floor and
    /// three times the store's hourly average of the week before.
    private func checkCounterfeits(now: Int64) async throws {
        let hourStart = now - now % 3_600_000
        let rows = try await self.database.client.query("""
            WITH current AS (
                SELECT store_id, sum(count)::bigint AS n FROM rollup_rejections
                WHERE hour = to_timestamp(\(hourStart) / 1000) AND result IN ('bad_signature', 'unknown_code')
                GROUP BY store_id),
            baseline AS (
                SELECT store_id, sum(count)::bigint / 168 AS per_hour FROM rollup_rejections
                WHERE hour >= to_timestamp(\(hourStart - 7 * 86_400_000) / 1000) AND hour < to_timestamp(\(hourStart) / 1000)
                  AND result IN ('bad_signature', 'unknown_code')
                GROUP BY store_id)
            SELECT c.store_id, c.n, coalesce(b.per_hour, 0)::bigint FROM current AS c LEFT JOIN baseline AS b USING (store_id)
            WHERE c.n > greatest(\(Int64(self.configuration.counterfeitPerHourAlert)), 3 * coalesce(b.per_hour, 0))
            """, logger: self.logger)
        var alerts: [Alert] = []
        for try await (store, count, baseline) in rows.decode((String, Int64, Int64).self) {
            alerts.append(Alert(kind: .counterfeitSpike, key: "counterfeit_spike:\(store):\(hourStart)", storeID: store, gatewayID: nil,
                                code: nil, details: ["count": count, "baseline_per_hour": baseline, "hour_ms": hourStart]))
        }
        try await self.database.transaction { try await Alert.raise(alerts, on: $0, now: now, logger: self.logger) }
    }

    /// Wrong-region scans today per store, by the origin region and distributor of the codes' batches.
    private func checkDiversion(now: Int64) async throws {
        let day = EventPartitions.dateText(EventPartitions.day(ofMilliseconds: now))
        // The origin's distributors: those supplying the stores of the region the codes were issued to (the goods
        // were allotted to them), beside the distributor of the store where they turned up.
        let rows = try await self.database.client.query("""
            SELECT d.store_id, d.origin, d.distributor, d.n,
                   coalesce((SELECT string_agg(DISTINCT o.distributor, ',' ORDER BY o.distributor) FROM stores AS o
                             WHERE o.region = d.origin AND o.distributor <> ''), '')
            FROM (SELECT e.store_id, coalesce(b.region, 'unknown') AS origin, coalesce(s.distributor, '') AS distributor,
                         count(*)::bigint AS n
                  FROM events AS e
                  LEFT JOIN batch_codes AS bc ON bc.code = e.code
                  LEFT JOIN code_batches AS b ON b.batch_id = bc.batch_id
                  LEFT JOIN stores AS s ON s.store_id = e.store_id
                  WHERE e.day = \(day)::date AND e.result = 'wrong_region'
                  GROUP BY 1, 2, 3) AS d
            """, logger: self.logger)
        var alerts: [Alert] = []
        for try await (store, origin, distributor, count, originDistributors) in rows.decode((String, String, String, Int64, String).self) {
            alerts.append(Alert(kind: .diversion, key: "diversion:\(store):\(origin):\(day)", storeID: store, gatewayID: nil, code: nil,
                                details: ["origin_region": origin, "origin_distributors": originDistributors, "distributor": distributor,
                                          "count_at_first_alert": count, "day": day]))
        }
        try await self.database.transaction { try await Alert.raise(alerts, on: $0, now: now, logger: self.logger) }
    }
}
