import Foundation
import Logging
import PostgresNIO

/// Something HQ noticed that a person must look at. `key` names the occurrence: raising the same one again (a
/// redelivered batch, a second instance) changes nothing.
struct Alert: Sendable {
    enum Kind: String, Sendable, CaseIterable {
        case doubleRedemption = "double_redemption"
        case chainBroken = "chain_broken"
        case sequenceConflict = "sequence_conflict"
        case topicMismatch = "topic_mismatch"
        case invalidEvent = "invalid_event"
        case gapUnfilled = "gap_unfilled"
        case gatewayOffline = "gateway_offline"
        case gatewayBehind = "gateway_behind"
        case gatewayFlapping = "gateway_flapping"
        case diversion
        case counterfeitSpike = "counterfeit_spike"
        case summaryMismatch = "summary_mismatch"
        case gatewayKeyChanged = "gateway_key_changed"
        case headSignatureInvalid = "head_signature_invalid"
        case headMismatch = "head_mismatch"
        case downlinkExpired = "downlink_expired"
    }

    var kind: Kind
    var key: String
    var storeID: String?
    var gatewayID: String?
    var code: String?
    var details: [String: any Sendable]

    /// Inserts the alerts not raised before; returns how many were new.
    @discardableResult
    static func raise(_ alerts: [Alert], on connection: PostgresConnection, now: Int64, logger: Logger) async throws -> Int {
        guard !alerts.isEmpty else { return 0 }
        var kinds: [String] = [], keys: [String] = [], stores: [String?] = [], gateways: [String?] = [], codes: [String?] = []
        var details: [String] = []
        for alert in alerts {
            kinds.append(alert.kind.rawValue)
            keys.append(alert.key)
            stores.append(alert.storeID)
            gateways.append(alert.gatewayID)
            codes.append(alert.code)
            let data = (try? JSONSerialization.data(withJSONObject: alert.details as [String: Any], options: [.sortedKeys])) ?? Data("{}".utf8)
            details.append(String(decoding: data, as: UTF8.self))
        }
        let rows = try await connection.query("""
            INSERT INTO alerts (kind, key, store_id, gateway_id, code, details, raised_ms)
            SELECT k, key, NULLIF(s, ''), NULLIF(g, ''), NULLIF(c, ''), d::jsonb, \(now)
            FROM unnest(\(kinds)::text[], \(keys)::text[], \(stores.map { $0 ?? "" })::text[], \(gateways.map { $0 ?? "" })::text[],
                        \(codes.map { $0 ?? "" })::text[], \(details)::text[]) AS u(k, key, s, g, c, d)
            ON CONFLICT (key) DO NOTHING
            RETURNING kind, key
            """, logger: logger)
        var raised = 0
        for try await (kind, key) in rows.decode((String, String).self) {
            raised += 1
            logger.warning("alert \(kind): \(key)")
        }
        return raised
    }
}
