import GRDB
public import StoregateCore

extension SettingKey {
    /// The last journal seq the latest `sales_summary` covers, and the end of its period.
    static let salesSummaryThroughSeq = "sales_summary_through_seq"
    static let salesSummaryPeriodEndMs = "sales_summary_period_end_ms"
}

/// What a `sales_summary` covers: every journal event after the previous summary's range, up to the head.
public struct SalesSummaryRange {
    public var periodStartMs: Int64
    public var periodEndMs: Int64
    public var firstSeq: Int64
    public var lastSeq: Int64
    let db: Database

    /// Calls `body` with the canonical payload of each accepted event of `operations` (their names, as the
    /// payload's `op`) in the range, in seq order, one at a time: a range can hold days of events (a gateway
    /// stopped for long, a first start on an old journal), and holding them all cost 290 MB for 200,000.
    public func forEachAcceptedPayload(of operations: [String], _ body: ([UInt8]) throws -> Void) throws {
        let placeholders = Array(repeating: "?", count: operations.count).joined(separator: ", ")
        let cursor = try Row.fetchCursor(self.db, sql: """
            SELECT \(JournalRow.columns) FROM journal
            WHERE seq BETWEEN ? AND ? AND result = 'accepted' AND op IN (\(placeholders)) ORDER BY seq
            """, arguments: StatementArguments([self.firstSeq, self.lastSeq] + operations.map { $0 as any DatabaseValueConvertible }))
        while let row = try cursor.next() { try body(try JournalRow.event(row).canonicalBytes) }
    }
}

extension Ledger {
    /// Appends a `sales_summary` event for the events since the last one, in one transaction with the record of
    /// what it covers: a restart between two summaries neither loses a range nor counts one twice, since ranges are
    /// journal seqs, not clock times. `summarise` turns the range's events into the event's `details` (the shared
    /// ``SalesTally`` of the contract), or nil when there is nothing to report, in which case nothing is written.
    /// - Returns: the summary event, or nil.
    @discardableResult
    public func writeSalesSummary(periodEnd: Timestamp, at time: Timestamp,
                                  summarise: (SalesSummaryRange) throws -> String?) throws -> JournalEvent? {
        try self.inWriteTransaction { db, statements in
            var snapshot = try self.snapshot(db, statements.dataVersion)
            let through = try Self.setting(db, SettingKey.salesSummaryThroughSeq).flatMap(Int64.init) ?? 0
            guard snapshot.headSeq > through else { return nil }
            let periodStart = try Self.setting(db, SettingKey.salesSummaryPeriodEndMs).flatMap(Int64.init)
                ?? Int64.fetchOne(db, sql: "SELECT time_ms FROM journal WHERE seq = ?", arguments: [through + 1])
                ?? periodEnd.milliseconds
            let range = SalesSummaryRange(periodStartMs: periodStart, periodEndMs: periodEnd.milliseconds, firstSeq: through + 1,
                                          lastSeq: snapshot.headSeq, db: db)
            guard let details = try summarise(range) else { return nil }
            let event = try self.appendEvent(
                statements, snapshot: &snapshot, operation: .salesSummary, codeID: nil, result: .accepted,
                reason: "Sales of events \(range.firstSeq)–\(range.lastSeq).",
                context: DecisionContext(lane: "gateway", operator: "storegate", role: .service, time: time),
                provisional: false, details: details)
            for (key, value) in [(SettingKey.salesSummaryThroughSeq, range.lastSeq), (SettingKey.salesSummaryPeriodEndMs, range.periodEndMs)] {
                try db.execute(sql: "INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                               arguments: [key, String(value)])
            }
            return event
        }
    }

    private static func setting(_ db: Database, _ key: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = ?", arguments: [key])
    }
}
