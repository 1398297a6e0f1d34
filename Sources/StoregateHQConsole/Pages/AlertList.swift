import Foundation
import Logging
import PostgresNIO
import StoregateHQ

/// The alerts page: the newest alerts (open ones, or all), each with who acknowledged it and the note, times in the
/// store's time zone.
struct AlertList: Sendable, Codable {
    struct Row: Sendable, Codable {
        var id: Int64
        var kind: String
        /// The kind in the reader's language.
        var kindLabel: String
        var storeId: String
        var gatewayId: String
        var code: String
        var raisedMs: Int64
        var raised: String
        var resolvedMs: Int64?
        var resolved: String
        var acknowledgedBy: String
        var acknowledgedMs: Int64?
        var acknowledged: String
        var note: String
        var details: String
        /// Shown an acknowledge form (an operator looking at an alert not yet acknowledged).
        var canAcknowledge = false
    }

    var state: String
    var alerts: [Row]

    static let limit = 500

    static func read(_ connection: PostgresConnection, openOnly: Bool, store: String? = nil, language: ConsoleLanguage,
                     logger: Logger) async throws -> AlertList {
        var rows: [Row] = []
        let result = try await connection.query("""
            SELECT a.id, a.kind, coalesce(a.store_id, ''), coalesce(a.gateway_id, ''), coalesce(a.code, ''), a.raised_ms,
                   a.resolved_ms, coalesce(a.acknowledged_by, ''), a.acknowledged_ms, coalesce(a.note, ''), a.details::text,
                   s.time_zone
            FROM alerts a LEFT JOIN stores s ON s.store_id = a.store_id
            WHERE (\(!openOnly) OR a.resolved_ms IS NULL) AND (\(store)::text IS NULL OR a.store_id = \(store))
            ORDER BY a.raised_ms DESC, a.id DESC LIMIT \(Self.limit)
            """, logger: logger)
        for try await (id, kind, store, gateway, code, raised, resolved, by, acknowledged, note, details, zone) in result.decode(
            (Int64, String, String, String, String, Int64, Int64?, String, Int64?, String, String, String?).self) {
            rows.append(Row(id: id, kind: kind, kindLabel: language("kind_" + kind), storeId: store, gatewayId: gateway, code: code,
                            raisedMs: raised, raised: StoreTime.format(raised, zone: zone),
                            resolvedMs: resolved, resolved: StoreTime.format(resolved, zone: zone),
                            acknowledgedBy: by, acknowledgedMs: acknowledged, acknowledged: StoreTime.format(acknowledged, zone: zone),
                            note: note, details: details))
        }
        return AlertList(state: openOnly ? "open" : "all", alerts: rows)
    }

    static let noteLength = 1...500

    /// Records an acknowledgement (kept in `alert_acknowledgements`; the alert shows the latest). An unknown alert
    /// is a 404.
    static func acknowledge(_ database: HQDatabase, id: Int64, user: String, note: String, now: Int64, logger: Logger) async throws {
        let note = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard Self.noteLength.contains(note.count) else {
            throw ConsoleError.badRequest("err_note", "\(Self.noteLength.upperBound)", "\(id)")
        }
        let found = try await database.transaction { connection in
            let rows = try await connection.query("""
                UPDATE alerts SET acknowledged_by = \(user), acknowledged_ms = \(now), note = \(note) WHERE id = \(id) RETURNING id
                """, logger: logger)
            var found = false
            for try await _ in rows.decode(Int64.self) { found = true }
            if found {
                try await connection.query("""
                    INSERT INTO alert_acknowledgements (alert_id, user_name, time_ms, note) VALUES (\(id), \(user), \(now), \(note))
                    """, logger: logger)
            }
            return found
        }
        guard found else { throw ConsoleError.notFound("err_no_alert", "\(id)") }
    }

    static let csv = CSVTable<Row>(columns: [
        ("id", { "\($0.id)" }), ("kind", { $0.kind }), ("store", { $0.storeId }), ("gateway", { $0.gatewayId }),
        ("code", { $0.code }), ("raised", { $0.raised }), ("resolved", { $0.resolved }),
        ("acknowledged_by", { $0.acknowledgedBy }), ("acknowledged", { $0.acknowledged }), ("note", { $0.note }),
        ("details", { $0.details }),
    ])
}
