import Foundation
import GRDB
import StoregateCore

/// Appending to and reading the journal (and its outbox twin).
enum JournalRow {
    static let columns = """
        seq, event_id, op, code_id, result, reason, lane, operator, role, time_ms, provisional, details, prev_hash, hash
        """

    /// Appends the event and its outbox row; the caller's transaction makes them one.
    static func append(_ db: Database, event: JournalEvent, payload: String) throws {
        try db.cachedStatement(sql: """
            INSERT INTO journal(\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                event.seq, event.eventID, event.operation.rawValue, event.codeID, event.result.rawValue, event.reason,
                event.lane, event.operator, event.role.rawValue, event.time.milliseconds, event.provisional,
                event.details, Data(event.prevHash), Data(event.hash),
            ])
        try db.cachedStatement(sql: "INSERT INTO outbox(seq, payload, created_ms) VALUES (?, ?, ?)")
            .execute(arguments: [event.seq, payload, event.time.milliseconds])
    }

    static func fetch(_ db: Database, seq: Int64) throws -> JournalEvent? {
        try Row.fetchOne(db, sql: "SELECT \(Self.columns) FROM journal WHERE seq = ?", arguments: [seq]).map(Self.event)
    }

    /// Decodes a row selected with ``columns``; unknown enum values (a newer writer) become an error.
    static func event(_ row: Row) throws -> JournalEvent {
        let seq: Int64 = row[0]
        guard let operation = Operation(rawValue: row[2]), let result = ResultCode(rawValue: row[4]),
            let role = LaneRole(rawValue: row[8])
        else {
            throw LedgerError(.invalidValue, "journal event \(seq) has an operation, result or role this version does not know")
        }
        return JournalEvent(
            seq: seq, eventID: row[1], operation: operation, codeID: row[3], result: result, reason: row[5], lane: row[6],
            operator: row[7], role: role, time: Timestamp(milliseconds: row[9]), provisional: row[10], details: row[11],
            prevHash: [UInt8](row[12] as Data? ?? Data()), hash: [UInt8](row[13] as Data? ?? Data()))
    }
}
