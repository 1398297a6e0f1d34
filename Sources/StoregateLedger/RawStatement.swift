import GRDB
import GRDBSQLite

/// A thin layer over the SQLite C API for the few statements on the redemption path (prepared once on the writer,
/// ``WriterStatements``) and the outbox reads (GRDB's cached statements). GRDB's `StatementArguments` box every
/// value as an existential and copy every fetched row; on a transaction that must beat a C program that overhead
/// was a third of the CPU time. Everything else goes through GRDB. Values are always bound, never spliced into SQL.
struct RawStatement {
    private let handle: OpaquePointer
    private let connection: OpaquePointer?
    /// Where text and blobs are copied to be bound as `SQLITE_STATIC` (the writer's prepared statements); nil, or
    /// a value it has no room for: SQLite copies them itself (`SQLITE_TRANSIENT`), so Swift buffers need not
    /// outlive the call.
    private let boundBytes: BoundBytes?

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// GRDB's cached statement for `sql` (looked up by its text: for statements off the redemption path).
    init(_ db: Database, sql: String) throws {
        let statement = try db.cachedStatement(sql: sql)
        self.init(handle: statement.sqliteStatement, connection: db.sqliteConnection, boundBytes: nil)
        sqlite3_reset(self.handle)
        sqlite3_clear_bindings(self.handle)
    }

    /// A statement prepared by ``WriterStatements``, which resets them all when a transaction fails. Every use
    /// binds all of a statement's parameters, so old bindings need not be cleared.
    init(handle: OpaquePointer, connection: OpaquePointer?, boundBytes: BoundBytes?) {
        self.handle = handle
        self.connection = connection
        self.boundBytes = boundBytes
    }

    func bind(_ index: Int32, _ text: String?) {
        guard var text else {
            sqlite3_bind_null(self.handle, index)
            return
        }
        text.withUTF8 { self.bind(index, text: UnsafeRawBufferPointer($0)) }
    }

    /// UTF-8 text given as bytes (the canonical payload).
    func bind(_ index: Int32, utf8 bytes: [UInt8]) {
        bytes.withUnsafeBytes { self.bind(index, text: $0) }
    }

    func bind(_ index: Int32, blob: [UInt8]) {
        blob.withUnsafeBytes { bytes in
            if let copy = self.boundBytes?.copy(bytes) {
                _ = sqlite3_bind_blob(self.handle, index, copy, Int32(bytes.count), nil)  // nil: SQLITE_STATIC
            } else {
                _ = sqlite3_bind_blob(self.handle, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
            }
        }
    }

    private func bind(_ index: Int32, text bytes: UnsafeRawBufferPointer) {
        if let copy = self.boundBytes?.copy(bytes)?.assumingMemoryBound(to: CChar.self) {
            _ = sqlite3_bind_text(self.handle, index, copy, Int32(bytes.count), nil)  // nil: SQLITE_STATIC
        } else if let base = bytes.baseAddress {
            _ = sqlite3_bind_text(self.handle, index, base.assumingMemoryBound(to: CChar.self), Int32(bytes.count), Self.transient)
        } else {
            _ = sqlite3_bind_text(self.handle, index, "", 0, Self.transient)
        }
    }

    func bind(_ index: Int32, _ value: Int64?) {
        guard let value else {
            sqlite3_bind_null(self.handle, index)
            return
        }
        sqlite3_bind_int64(self.handle, index, value)
    }

    func bind(_ index: Int32, _ value: Bool) {
        sqlite3_bind_int64(self.handle, index, value ? 1 : 0)
    }

    /// Runs a statement that returns no rows.
    func run() throws {
        let code = sqlite3_step(self.handle)
        defer { sqlite3_reset(self.handle) }
        guard code == SQLITE_DONE else { throw self.error(code) }
    }

    /// Steps to the next row; false when there is none (then the statement is reset).
    func step() throws -> Bool {
        let code = sqlite3_step(self.handle)
        if code == SQLITE_ROW { return true }
        sqlite3_reset(self.handle)
        guard code == SQLITE_DONE else { throw self.error(code) }
        return false
    }

    func reset() {
        sqlite3_reset(self.handle)
    }

    func text(_ column: Int32) -> String? {
        // NULL gives a null pointer: no separate `sqlite3_column_type` call (a code row reads a dozen columns).
        guard let pointer = sqlite3_column_text(self.handle, column) else { return nil }
        let count = Int(sqlite3_column_bytes(self.handle, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    func int64(_ column: Int32) -> Int64? {
        guard sqlite3_column_type(self.handle, column) != SQLITE_NULL else { return nil }
        return sqlite3_column_int64(self.handle, column)
    }

    func blob(_ column: Int32) -> [UInt8]? {
        guard sqlite3_column_type(self.handle, column) != SQLITE_NULL else { return nil }
        let count = Int(sqlite3_column_bytes(self.handle, column))
        guard count > 0, let pointer = sqlite3_column_blob(self.handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    private func error(_ code: Int32) -> DatabaseError {
        let message = self.connection.map { String(cString: sqlite3_errmsg($0)) }
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message)
    }
}
