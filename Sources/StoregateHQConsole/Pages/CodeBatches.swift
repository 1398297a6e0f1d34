import Logging
import PostgresNIO
import StoregateHQ

/// The code batches page: each batch HQ issued, how many of its region's stores applied it, and how many of its
/// codes were redeemed; a batch's page lists every store's state (`batch_distribution`, from the gateways' reports).
struct CodeBatches: Sendable, Codable {
    struct Batch: Sendable, Codable {
        var batchId: String
        var gtin: String
        var campaign: String
        var region: String
        var codes: Int64
        var issuedMs: Int64
        var issued: String
        var stores: Int64
        /// Stores whose gateway reported every message of the batch `applied` (or `duplicate`: it had it already).
        var storesApplied: Int64
        var storesRejected: Int64
        /// Stores with a message still `sent` (not reported yet; sent again every `downlink.resend_seconds`).
        var storesWaiting: Int64
        var redeemed: Int64
        /// What one redemption of a code of the batch costs, minor units (0: no reward).
        var rewardMinor: Int64
        var reward: String
    }

    struct Store: Sendable, Codable {
        var storeId: String
        var name: String
        /// `applied`, `rejected` (any message refused: `reason` says why) or `sent`.
        var state: String
        var messages: Int64
        var codes: Int64
        var reason: String
        var updatedMs: Int64
        var updated: String
    }

    var batches: [Batch]
    /// One batch's stores (on its page).
    var stores: [Store] = []

    static let limit = 500

    static func read(_ connection: PostgresConnection, batch: String? = nil, logger: Logger) async throws -> CodeBatches {
        var batches: [Batch] = []
        let rows = try await connection.query("""
            WITH per_store AS (
                SELECT batch_id, store_id,
                       CASE WHEN bool_or(state = 'rejected') THEN 'rejected'
                            WHEN bool_and(state IN ('applied', 'duplicate')) THEN 'applied' ELSE 'sent' END AS state
                FROM batch_distribution WHERE \(batch)::text IS NULL OR batch_id = \(batch)
                GROUP BY batch_id, store_id
            )
            SELECT b.batch_id, b.gtin, b.campaign, b.region, b.count::bigint, b.issued_ms,
                   count(p.store_id)::bigint, count(p.store_id) FILTER (WHERE p.state = 'applied')::bigint,
                   count(p.store_id) FILTER (WHERE p.state = 'rejected')::bigint,
                   count(p.store_id) FILTER (WHERE p.state = 'sent')::bigint,
                   (SELECT count(*) FROM batch_codes c JOIN redemptions r ON r.code = c.code WHERE c.batch_id = b.batch_id)::bigint,
                   b.reward_minor
            FROM code_batches b LEFT JOIN per_store p ON p.batch_id = b.batch_id
            WHERE \(batch)::text IS NULL OR b.batch_id = \(batch)
            GROUP BY b.batch_id ORDER BY b.issued_ms DESC, b.batch_id LIMIT \(Self.limit)
            """, logger: logger)
        for try await (id, gtin, campaign, region, count, issued, stores, applied, rejected, waiting, redeemed, reward) in rows.decode(
            (String, String, String, String, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64).self) {
            batches.append(Batch(batchId: id, gtin: gtin, campaign: campaign, region: region, codes: count, issuedMs: issued,
                                 issued: StoreTime.format(issued, zone: Overview.defaultTimeZone), stores: stores,
                                 storesApplied: applied, storesRejected: rejected, storesWaiting: waiting, redeemed: redeemed,
                                 rewardMinor: reward, reward: Money.format(reward)))
        }
        guard let batch else { return CodeBatches(batches: batches) }
        guard !batches.isEmpty else { throw ConsoleError.notFound("err_no_batch", .text(batch)) }
        var stores: [Store] = []
        let storeRows = try await connection.query("""
            SELECT d.store_id, coalesce(s.name, ''), coalesce(s.time_zone, \(Overview.defaultTimeZone)),
                   CASE WHEN bool_or(d.state = 'rejected') THEN 'rejected'
                        WHEN bool_and(d.state IN ('applied', 'duplicate')) THEN 'applied' ELSE 'sent' END,
                   count(*)::bigint, sum(d.codes)::bigint, coalesce(string_agg(DISTINCT d.reason, '; '), ''), max(d.updated_ms)
            FROM batch_distribution d LEFT JOIN stores s ON s.store_id = d.store_id
            WHERE d.batch_id = \(batch)
            GROUP BY d.store_id, s.name, s.time_zone ORDER BY d.store_id
            """, logger: logger)
        for try await (store, name, zone, state, messages, codes, reason, updated) in storeRows.decode(
            (String, String, String, String, Int64, Int64, String, Int64).self) {
            stores.append(Store(storeId: store, name: name, state: state, messages: messages, codes: codes, reason: reason,
                                updatedMs: updated, updated: StoreTime.format(updated, zone: zone)))
        }
        return CodeBatches(batches: batches, stores: stores)
    }

    static let csv = CSVTable<Batch>(columns: [
        ("batch", { $0.batchId }), ("gtin", { $0.gtin }), ("campaign", { $0.campaign }), ("region", { $0.region }),
        ("codes", { "\($0.codes)" }), ("issued", { $0.issued }), ("stores", { "\($0.stores)" }),
        ("stores_applied", { "\($0.storesApplied)" }), ("stores_rejected", { "\($0.storesRejected)" }),
        ("stores_waiting", { "\($0.storesWaiting)" }), ("redeemed", { "\($0.redeemed)" }),
    ])

    static let storesCSV = CSVTable<Store>(columns: [
        ("store", { $0.storeId }), ("name", { $0.name }), ("state", { $0.state }), ("messages", { "\($0.messages)" }),
        ("codes", { "\($0.codes)" }), ("reason", { $0.reason }), ("updated", { $0.updated }),
    ])
}
