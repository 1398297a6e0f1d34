import Foundation
import GRDB
import StoregateCore

/// Appending to and reading the journal (and its outbox twin).
enum JournalRow {
    static let columns = """
        seq, event_id, op, code_id, result, reason, lane, operator, role, time_ms, provisional, details, prev_hash, hash,
        store_id, gateway_id
        """
    /// How many ``columns`` there are: a query that selects more after them reads those from this index on.
    static let columnCount = 16

    static let insertSQL = "INSERT INTO journal(\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    static let outboxInsertSQL = "INSERT INTO outbox(seq, payload, created_ms) VALUES (?, ?, ?)"

    /// Appends the event and its outbox row (`payload`: the event's canonical bytes); the caller's transaction
    /// makes them one.
    static func append(_ statements: WriterStatements.Prepared, event: JournalEvent, payload: [UInt8]) throws {
        let journal = statements.journalInsert
        journal.bind(1, event.seq)
        journal.bind(2, event.eventID)
        journal.bind(3, event.operation.rawValue)
        journal.bind(4, event.codeID)
        journal.bind(5, event.result.rawValue)
        journal.bind(6, event.reason)
        journal.bind(7, event.lane)
        journal.bind(8, event.operator)
        journal.bind(9, event.role.rawValue)
        journal.bind(10, event.time.milliseconds)
        journal.bind(11, event.provisional)
        journal.bind(12, event.details)
        journal.bind(13, blob: event.prevHash)
        journal.bind(14, blob: event.hash)
        journal.bind(15, event.storeID)
        journal.bind(16, event.gatewayID)
        try journal.run()
        let outbox = statements.outboxInsert
        outbox.bind(1, event.seq)
        outbox.bind(2, utf8: payload)
        outbox.bind(3, event.time.milliseconds)
        try outbox.run()
    }

    static func fetch(_ db: Database, seq: Int64) throws -> JournalEvent? {
        try Row.fetchOne(db, sql: "SELECT \(Self.columns) FROM journal WHERE seq = ?", arguments: [seq]).map(Self.event)
    }

    /// Decodes a row selected with ``columns``; unknown enum values (a newer writer) become an error.
    static func event(_ row: Row) throws -> JournalEvent {
        let seq: Int64 = row[0]
        guard let operation = JournalOperation(rawValue: row[2]), let result = ResultCode(rawValue: row[4]),
            let role = LaneRole(rawValue: row[8])
        else {
            throw LedgerError(.invalidValue, "journal event \(seq) has an operation, result or role this version does not know")
        }
        return JournalEvent(
            seq: seq, eventID: row[1], storeID: row[14], gatewayID: row[15], operation: operation, codeID: row[3], result: result, reason: row[5], lane: row[6],
            operator: row[7], role: role, time: Timestamp(milliseconds: row[9]), provisional: row[10], details: row[11],
            prevHash: [UInt8](row[12] as Data? ?? Data()), hash: [UInt8](row[13] as Data? ?? Data()))
    }
}
