import GRDB
import GRDBSQLite

/// The statements of ``Ledger/apply(_:)``, prepared once on the writing connection and kept for the ledger's life.
/// Fetching them from GRDB's statement cache meant hashing each statement's SQL text on every use, nine times per
/// redemption (about 10,000 instructions of the ~270,000 a redemption cost).
///
/// Only used inside the writer's `writeWithoutTransaction`, which GRDB runs one at a time on the one writing
/// connection; that is what serialises access (hence `@unchecked Sendable`), and ``forTransaction(_:)`` checks that the
/// connection is the one the statements were prepared on. ``Ledger/close()`` finalizes them first, because SQLite
/// does not close a connection that still has prepared statements.
final class WriterStatements: @unchecked Sendable {
    struct Prepared {
        let begin: RawStatement
        let commit: RawStatement
        let dataVersion: RawStatement
        let idempotencyLookup: RawStatement
        let idempotencyInsert: RawStatement
        let codeLookup: RawStatement
        let setState: RawStatement
        let unpackChildren: RawStatement
        let journalInsert: RawStatement
        let outboxInsert: RawStatement
    }

    private var prepared: Prepared?
    private var handles: [OpaquePointer] = []
    private var connection: OpaquePointer?
    private let boundBytes = BoundBytes()

    /// The statements for the transaction about to start on `db`, prepared on first use. The values bound during
    /// the previous transaction are released.
    func forTransaction(_ db: Database) throws -> Prepared {
        self.boundBytes.release()
        if let prepared = self.prepared {
            precondition(db.sqliteConnection == self.connection, "the ledger's statements are prepared on its writing connection only")
            return prepared
        }
        guard let connection = db.sqliteConnection else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "the ledger's connection is closed")
        }
        do {
            let prepared = Prepared(
                begin: try self.prepare("BEGIN IMMEDIATE", connection),
                commit: try self.prepare("COMMIT", connection),
                dataVersion: try self.prepare("PRAGMA data_version", connection),
                idempotencyLookup: try self.prepare(Ledger.idempotencyLookupSQL, connection),
                idempotencyInsert: try self.prepare(Ledger.idempotencyInsertSQL, connection),
                codeLookup: try self.prepare(CodeRow.selectSQL, connection),
                setState: try self.prepare(LedgerEffects.setStateSQL, connection),
                unpackChildren: try self.prepare(LedgerEffects.unpackChildrenSQL, connection),
                journalInsert: try self.prepare(JournalRow.insertSQL, connection),
                outboxInsert: try self.prepare(JournalRow.outboxInsertSQL, connection))
            self.prepared = prepared
            self.connection = connection
            return prepared
        } catch {
            self.finalize()
            throw error
        }
    }

    /// Resets every statement, for one a failed transaction may have left mid-row.
    func resetAll() {
        for handle in self.handles { sqlite3_reset(handle) }
    }

    /// Finalizes every statement; the next ``forTransaction(_:)`` prepares them again.
    func finalize() {
        for handle in self.handles { sqlite3_finalize(handle) }
        self.handles = []
        self.prepared = nil
        self.connection = nil
    }

    deinit {
        self.finalize()
    }

    private func prepare(_ sql: String, _ connection: OpaquePointer) throws -> RawStatement {
        var handle: OpaquePointer?
        // PERSISTENT: SQLite allocates the statement outside its lookaside memory, as for a statement kept for long.
        let code = sqlite3_prepare_v3(connection, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, nil)
        guard code == SQLITE_OK, let handle else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
        }
        self.handles.append(handle)
        return RawStatement(handle: handle, connection: connection, boundBytes: self.boundBytes)
    }
}
