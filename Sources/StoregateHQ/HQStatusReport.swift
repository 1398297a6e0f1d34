import Foundation
import Logging
import PostgresNIO

/// What `storegate-hq status` shows: throughput, progress, gaps, alerts and gateways, read from the database
/// (every instance's work together).
public struct HQStatusReport: Sendable, Codable, Equatable {
    public var stores = 0
    public var gateways = 0
    public var events: Int64 = 0
    public var duplicates: Int64 = 0
    /// Events committed per second, measured over ``sampleSeconds``.
    public var eventsPerSecond = 0.0
    public var sampleSeconds = 0.0
    /// Gateways with events waiting above a gap, and the seqs missing.
    public var gatewaysWithGaps = 0
    public var missingEvents: Int64 = 0
    public var requeuesOpen = 0
    /// Gateways whose retained status says offline.
    public var gatewaysOffline = 0
    public var openAlerts: [String: Int] = [:]
    public var downlinkUnpublished = 0
    /// Now minus the newest event time stored (how far behind the stores HQ is, while they are busy).
    public var newestEventAgeMs: Int64?

    public static func read(_ database: HQDatabase, sampleSeconds: Double = 1) async throws -> HQStatusReport {
        var report = HQStatusReport()
        let first = try await Self.eventCount(database)
        let started = ContinuousClock.now
        if sampleSeconds > 0 { try await Task.sleep(for: .milliseconds(Int(sampleSeconds * 1000))) }
        let rows = try await database.client.query("""
            SELECT (SELECT count(*) FROM stores)::bigint, count(*)::bigint, coalesce(sum(events), 0)::bigint,
                   coalesce(sum(duplicates), 0)::bigint,
                   count(*) FILTER (WHERE highest_seq > watermark)::bigint,
                   coalesce(sum(highest_seq - watermark) FILTER (WHERE highest_seq > watermark), 0)::bigint,
                   count(*) FILTER (WHERE status_state = 'offline')::bigint,
                   (SELECT count(*) FROM requeues WHERE filled_ms IS NULL)::bigint,
                   (SELECT count(*) FROM downlink_outbox WHERE published_ms IS NULL)::bigint
            FROM gateways
            """, logger: database.logger)
        for try await (stores, gateways, events, duplicates, withGaps, missing, offline, requeues, unpublished) in rows.decode(
            (Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64).self) {
            report.stores = Int(stores)
            report.gateways = Int(gateways)
            report.events = events
            report.duplicates = duplicates
            report.gatewaysWithGaps = Int(withGaps)
            report.missingEvents = missing
            report.gatewaysOffline = Int(offline)
            report.requeuesOpen = Int(requeues)
            report.downlinkUnpublished = Int(unpublished)
        }
        let elapsed = ContinuousClock.now - started
        report.sampleSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        if report.sampleSeconds > 0 { report.eventsPerSecond = Double(report.events - first) / report.sampleSeconds }
        let alerts = try await database.client.query(
            "SELECT kind, count(*)::bigint FROM alerts WHERE resolved_ms IS NULL GROUP BY kind", logger: database.logger)
        for try await (kind, count) in alerts.decode((String, Int64).self) { report.openAlerts[kind] = Int(count) }
        let newest = try await database.client.query("""
            SELECT max(time_ms) FROM events WHERE day >= current_date - 1
            """, logger: database.logger)
        for try await time in newest.decode(Int64?.self) {
            report.newestEventAgeMs = time.map { Int64(Date().timeIntervalSince1970 * 1000) - $0 }
        }
        return report
    }

    private static func eventCount(_ database: HQDatabase) async throws -> Int64 {
        let rows = try await database.client.query("SELECT coalesce(sum(events), 0)::bigint FROM gateways", logger: database.logger)
        var count: Int64 = 0
        for try await value in rows.decode(Int64.self) { count = value }
        return count
    }
}
