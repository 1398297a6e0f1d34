import GRDB
public import StoregateCore

extension SettingKey {
    /// The last journal seq the latest `sales_summary` covers, and the end of its period.
    static let salesSummaryThroughSeq = "sales_summary_through_seq"
    static let salesSummaryPeriodEndMs = "sales_summary_period_end_ms"
}

/// What a `sales_summary` covers: every journal event after the previous summary's range, up to the head.
public struct SalesSummaryRange: Sendable {
    public var periodStartMs: Int64
    public var periodEndMs: Int64
    public var firstSeq: Int64
    public var lastSeq: Int64
    /// The canonical payload of each event in the range, in seq order.
    public var payloads: [[UInt8]]
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
            let rows = try Row.fetchAll(db, sql: "SELECT \(JournalRow.columns) FROM journal WHERE seq > ? ORDER BY seq",
                                        arguments: [through])
            let events = try rows.map(JournalRow.event)
            let periodStart = try Self.setting(db, SettingKey.salesSummaryPeriodEndMs).flatMap(Int64.init)
                ?? events.first?.time.milliseconds ?? periodEnd.milliseconds
            let range = SalesSummaryRange(periodStartMs: periodStart, periodEndMs: periodEnd.milliseconds, firstSeq: through + 1,
                                          lastSeq: snapshot.headSeq, payloads: events.map(\.canonicalBytes))
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
