import Foundation
import Logging
import PostgresNIO
import StoregateContract
import StoregateHQ

/// The stores page: each store's health from its gateways' last retained status and heartbeat, beside its sales
/// and redemptions today (its own day, from `rollups_hourly`).
struct StoreHealth: Sendable, Codable {
    struct Gateway: Sendable, Codable {
        var gatewayId: String
        /// `online`, `offline` (the retained status or Last Will says so) or `stale` (nothing heard for
        /// `alerts.stale_gateway_seconds`).
        var health: String
        var healthLabel: String
        var version: String
        var backlog: Int64?
        var oldestUndeliveredAgeMs: Int64?
        var oldestUndelivered: String
        var lastStatusMs: Int64?
        var lastStatus: String
        var lastHeartbeatMs: Int64?
        var lastHeartbeat: String
        var lastSyncMs: Int64?
        var lastSync: String
        /// Each scanner (on a store's page only; the list carries their states).
        var scanners: [ScannerStatus]
        var scannerStates: [String]
        var scannerSummary: String
    }

    struct Store: Sendable, Codable {
        var storeId: String
        var name: String
        var region: String
        var province: String
        var city: String
        var county: String
        var distributor: String
        var timeZone: String
        /// The worst of its gateways' (`unknown` without one).
        var health: String
        var healthLabel: String
        var gateways: [Gateway]
        var backlog: Int64
        var oldestUndelivered: String
        var lastHeartbeat: String
        var scannerSummary: String
        var soldToday: Int64
        var redemptionsToday: Int64
        var revenueTodayMinor: Int64
        var revenueToday: String
    }

    var stores: [Store]

    static func read(_ connection: PostgresConnection, store: String? = nil, now: Int64, staleMs: Int64, language: ConsoleLanguage,
                     logger: Logger) async throws -> StoreHealth {
        let rows = try await connection.query("""
            WITH ids AS (SELECT store_id FROM stores UNION SELECT store_id FROM gateways),
            b AS (SELECT to_timestamp(\(now)::bigint / 1000.0) AS now_at, \(Overview.defaultTimeZone)::text AS default_tz),
            \(unescaped: RollupWindow.ctes),
            today AS (
                SELECT store_id, sum(sold)::bigint AS sold, sum(redemptions)::bigint AS redemptions, sum(revenue_minor)::bigint AS revenue
                FROM today_rollups WHERE \(store)::text IS NULL OR store_id = \(store)
                GROUP BY store_id
            )
            SELECT i.store_id, coalesce(s.name, ''), coalesce(s.region, ''), coalesce(s.province, ''), coalesce(s.city, ''),
                   coalesce(s.county, ''), coalesce(s.distributor, ''), coalesce(s.time_zone, \(Overview.defaultTimeZone)),
                   g.gateway_id, g.status_state, g.last_status_ms, g.last_heartbeat_ms, (g.last_status->>'backlog')::bigint,
                   (g.last_status->>'oldest_undelivered_age_ms')::bigint, g.last_status->>'version',
                   (g.last_status->>'last_downlink_sync_ms')::bigint,
                   CASE WHEN \(store)::text IS NULL
                        THEN (SELECT string_agg(e->>'state', ',') FROM jsonb_array_elements(g.last_status->'scanners') e)
                        ELSE (g.last_status->'scanners')::text END,
                   coalesce(t.sold, 0), coalesce(t.redemptions, 0), coalesce(t.revenue, 0)
            FROM ids i LEFT JOIN stores s ON s.store_id = i.store_id LEFT JOIN gateways g ON g.store_id = i.store_id
            LEFT JOIN today t ON t.store_id = i.store_id
            WHERE \(store)::text IS NULL OR i.store_id = \(store)
            ORDER BY i.store_id, g.gateway_id
            """, logger: logger)
        var stores: [Store] = []
        let decoder = JSONDecoder()
        for try await row in rows.decode((String, String, String, String, String, String, String, String, String?, String?, Int64?, Int64?,
                                          Int64?, Int64?, String?, Int64?, String?, Int64, Int64, Int64).self) {
            let (id, name, region, province, city, county, distributor, zone) = (row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7)
            if stores.last?.storeId != id {
                stores.append(Store(storeId: id, name: name, region: region, province: province, city: city, county: county,
                                    distributor: distributor, timeZone: zone, health: "unknown", healthLabel: language("unknown"),
                                    gateways: [], backlog: 0, oldestUndelivered: "", lastHeartbeat: "", scannerSummary: "",
                                    soldToday: row.17, redemptionsToday: row.18, revenueTodayMinor: row.19,
                                    revenueToday: Money.format(row.19)))
            }
            guard let gatewayID = row.8 else { continue }
            let lastHeard = max(row.10 ?? 0, row.11 ?? 0)
            let health = row.9 == "offline" ? "offline" : (lastHeard == 0 || now - lastHeard > staleMs) ? "stale" : "online"
            // The list needs only the scanners' states (`running,failed`); one store's page shows each scanner.
            let scanners = store == nil ? [] : row.16.flatMap { try? decoder.decode([ScannerStatus].self, from: Data($0.utf8)) } ?? []
            let states = store == nil ? (row.16 ?? "").split(separator: ",").map(String.init) : scanners.map(\.state)
            stores[stores.count - 1].gateways.append(Gateway(
                gatewayId: gatewayID, health: health, healthLabel: language(health), version: row.14 ?? "",
                backlog: row.12, oldestUndeliveredAgeMs: row.13, oldestUndelivered: StoreTime.age(row.13),
                lastStatusMs: row.10, lastStatus: StoreTime.format(row.10, zone: zone),
                lastHeartbeatMs: row.11, lastHeartbeat: StoreTime.format(row.11, zone: zone),
                lastSyncMs: row.15, lastSync: StoreTime.format(row.15, zone: zone),
                scanners: scanners, scannerStates: states, scannerSummary: Self.summary(states)))
        }
        for index in stores.indices where !stores[index].gateways.isEmpty {
            let gateways = stores[index].gateways
            let health = ["offline", "stale", "online"].first { state in gateways.contains { $0.health == state } } ?? "unknown"
            stores[index].health = health
            stores[index].healthLabel = language(health)
            stores[index].backlog = gateways.reduce(0) { $0 + ($1.backlog ?? 0) }
            stores[index].oldestUndelivered = StoreTime.age(gateways.compactMap(\.oldestUndeliveredAgeMs).max())
            stores[index].lastHeartbeat = StoreTime.format(gateways.compactMap(\.lastHeartbeatMs).max(), zone: stores[index].timeZone)
            stores[index].scannerSummary = Self.summary(gateways.flatMap(\.scannerStates))
        }
        return StoreHealth(stores: stores)
    }

    /// `2 running, 1 failed`.
    static func summary(_ states: [String]) -> String {
        var counts: [String: Int] = [:]
        for state in states { counts[state, default: 0] += 1 }
        return counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
    }

    static let csv = CSVTable<Store>(columns: [
        ("store", { $0.storeId }), ("name", { $0.name }), ("region", { $0.region }), ("province", { $0.province }),
        ("city", { $0.city }), ("distributor", { $0.distributor }), ("health", { $0.health }), ("gateways", { "\($0.gateways.count)" }),
        ("backlog", { "\($0.backlog)" }), ("oldest_undelivered", { $0.oldestUndelivered }), ("last_heartbeat", { $0.lastHeartbeat }),
        ("scanners", { $0.scannerSummary }), ("sold_today", { "\($0.soldToday)" }),
        ("redemptions_today", { "\($0.redemptionsToday)" }), ("revenue_today", { $0.revenueToday }),
    ])
}
