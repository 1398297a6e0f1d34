import Logging
import PostgresNIO
import StoregateHQ

/// A store's page: its health and gateways (as on the stores page), today hour by hour in its own time zone, and
/// its open alerts.
struct StoreDetail: Sendable, Codable {
    struct Hour: Sendable, Codable {
        var hourMs: Int64
        var hour: String
        var events: Int64
        var sold: Int64
        var redemptions: Int64
        var revenueMinor: Int64
        var revenue: String
        var rejections: Int64
    }

    var store: StoreHealth.Store
    var hours: [Hour]
    var alerts: [AlertList.Row]

    static func read(_ connection: PostgresConnection, store id: String, now: Int64, staleMs: Int64, language: ConsoleLanguage,
                     logger: Logger) async throws -> StoreDetail {
        guard let store = try await StoreHealth.read(connection, store: id, now: now, staleMs: staleMs, language: language,
                                                     logger: logger).stores.first else {
            throw ConsoleError.notFound("err_no_store", .text(id))
        }
        var hours: [Hour] = []
        let rows = try await connection.query("""
            SELECT (extract(epoch FROM r.hour) * 1000)::bigint, sum(r.events)::bigint, sum(r.sold)::bigint,
                   sum(r.redemptions)::bigint, sum(r.revenue_minor)::bigint, sum(r.rejections)::bigint
            FROM rollups_hourly r
            CROSS JOIN LATERAL (SELECT to_timestamp(\(now)::bigint / 1000.0) AS now_at) b
            WHERE r.store_id = \(id) AND r.hour > b.now_at - interval '26 hours' AND r.hour <= b.now_at
              AND r.hour >= date_trunc('day', b.now_at AT TIME ZONE \(store.timeZone)) AT TIME ZONE \(store.timeZone)
            GROUP BY r.hour ORDER BY r.hour
            """, logger: logger)
        for try await (hour, events, sold, redemptions, revenue, rejections) in rows.decode((Int64, Int64, Int64, Int64, Int64, Int64).self) {
            hours.append(Hour(hourMs: hour, hour: StoreTime.format(hour, zone: store.timeZone), events: events, sold: sold,
                              redemptions: redemptions, revenueMinor: revenue, revenue: Money.format(revenue), rejections: rejections))
        }
        let alerts = try await AlertList.read(connection, openOnly: true, store: id, language: language, logger: logger).alerts
        return StoreDetail(store: store, hours: hours, alerts: alerts)
    }

    static let hoursCSV = CSVTable<Hour>(columns: [
        ("hour", { $0.hour }), ("events", { "\($0.events)" }), ("units_sold", { "\($0.sold)" }),
        ("redemptions", { "\($0.redemptions)" }), ("revenue", { $0.revenue }), ("rejections", { "\($0.rejections)" }),
    ])

    static let gatewaysCSV = CSVTable<StoreHealth.Gateway>(columns: [
        ("gateway", { $0.gatewayId }), ("health", { $0.health }), ("version", { $0.version }),
        ("backlog", { $0.backlog.map(String.init) ?? "" }), ("oldest_undelivered", { $0.oldestUndelivered }),
        ("last_status", { $0.lastStatus }), ("last_heartbeat", { $0.lastHeartbeat }), ("last_sync", { $0.lastSync }),
        ("scanners", { $0.scannerSummary }),
    ])
}
