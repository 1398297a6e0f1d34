import StoregateFoundation
import Foundation
import GRDB
public import StoregateCore

/// Counts for `ledger stats`.
public struct LedgerStats: Sendable, Equatable {
    public var gatewayID: String
    public var storeID: String
    public var region: String
    /// Registered codes by state (states with no codes are absent).
    public var codesByState: [CodeState: Int]
    public var provisionalCodes: Int
    /// Number of journal events (= the last sequence number, the journal being gap-free).
    public var journalLength: Int64
    public var outboxUndelivered: Int
    /// Hash of the last journal event, hex (the genesis hash when empty).
    public var chainHead: String
    public var productSales: Int
    public var synchronous: Int
}

/// A code's registry row and its journal events, for `ledger show`.
public struct CodeHistory: Sendable, Equatable {
    public var record: CodeRecord?
    public var events: [JournalEvent]
}

extension Ledger {
    public func stats() throws -> LedgerStats {
        let synchronous = try self.synchronousLevel()
        return try self.writer.read { db in
            let policy = try Self.loadPolicy(db)
            var byState: [CodeState: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, count(*) FROM codes GROUP BY state") {
                if let state = CodeState(rawValue: row[0]) { byState[state] = row[1] }
            }
            let head = try Self.journalHead(db)
            return LedgerStats(
                gatewayID: try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'gateway_id'") ?? "",
                storeID: policy.storeID,
                region: policy.region,
                codesByState: byState,
                provisionalCodes: try Int.fetchOne(db, sql: "SELECT count(*) FROM codes WHERE provisional = 1") ?? 0,
                journalLength: head.seq,
                outboxUndelivered: try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE delivered_ms IS NULL") ?? 0,
                chainHead: Hex.encode(head.hash),
                productSales: try Int.fetchOne(db, sql: "SELECT coalesce(sum(sold), 0) FROM product_sales") ?? 0,
                synchronous: synchronous)
        }
    }

    /// The code's registry row (nil if not registered) and every journal event about it, oldest first: its own
    /// events (through the index `journal_by_code`, migration v3) and the baskets that sold it (`sale_lines_by_code`).
    public func history(codeID: String) throws -> CodeHistory {
        try self.writer.read { db in
            let record = try CodeRow.fetch(db, id: codeID)
            let events = try Row.fetchAll(db, sql: """
                SELECT \(JournalRow.columns) FROM journal WHERE code_id = ?1
                    OR seq IN (SELECT s.seq FROM sale_lines l JOIN sales s ON s.receipt = l.receipt WHERE l.code = ?1)
                ORDER BY seq
                """, arguments: [codeID]
            ).map(JournalRow.event)
            return CodeHistory(record: record, events: events)
        }
    }

    /// The code's registry row, or nil.
    public func record(codeID: String) throws -> CodeRecord? {
        try self.writer.read { try CodeRow.fetch($0, id: codeID) }
    }

    /// Journal events from `fromSeq` on, at most `limit`.
    public func journal(fromSeq: Int64 = 1, limit: Int = 100) throws -> [JournalEvent] {
        try self.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT \(JournalRow.columns) FROM journal WHERE seq >= ? ORDER BY seq LIMIT ?",
                             arguments: [fromSeq, limit]).map(JournalRow.event)
        }
    }

    /// How many units of each product were sold (products have no unit state).
    public func productSales() throws -> [String: Int] {
        try self.writer.read { db in
            var sales: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT product, sold FROM product_sales") { sales[row[0]] = row[1] }
            return sales
        }
    }
}
