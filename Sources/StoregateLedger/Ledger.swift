import Foundation
import GRDB
import StoregateCore
import StoregateTrust

/// The store's durable ledger: code registry, append-only hash-chained journal, outbox and idempotency keys in one
/// SQLite file (WAL, `synchronous=FULL`), written through exactly one connection.
///
/// Every method that changes something is one transaction. Open it once per process and share it; it is `Sendable`.
public struct Ledger: Sendable {
    let writer: DatabasePool
    let cache: LedgerCache
    let keyRing: DataVersionCache<TrustedKeys>
    /// The API tokens not revoked, by the SHA-256 of their secret (``Ledger/authenticate(apiToken:)``).
    let apiTokenCache: DataVersionCache<[[UInt8]: TillIdentity]>
    /// Where async callers' ledger calls run (``AsyncLedger``).
    let thread: LedgerThread
    let statements: WriterStatements
    /// The file the ledger lives in.
    public let path: String

    /// Opens (and migrates) the ledger at `path`, checking that the durability it promises is really in force.
    public init(path: String, configuration: LedgerConfiguration = LedgerConfiguration()) throws {
        if (configuration.readOnly || !configuration.createIfMissing) && !FileManager.default.fileExists(atPath: path) {
            throw LedgerError(.notFound, "no ledger at \(path): create it with `storegate ledger init --db \(path) --store-id ID --region REGION`")
        }
        LedgerFileMode.prepare(path: path, createIfMissing: configuration.createIfMissing)
        var config = Configuration()
        config.busyMode = .timeout(configuration.busyTimeoutSeconds)
        config.foreignKeysEnabled = true
        config.label = "storegate-ledger"
        config.readonly = configuration.readOnly
        // Readers answer status, outbox and history queries; the writer (redemptions) keeps SQLite's default
        // cache. Each connection has its own page cache, so a few small readers keep the daemon's memory flat.
        config.maximumReaderCount = 2
        config.prepareDatabase { db in
            if db.configuration.readonly { try db.execute(sql: "PRAGMA cache_size = -512") }
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: config)
        } catch {
            throw LedgerError(.notFound, "cannot open the ledger at \(path): \(error)")
        }
        // DatabasePool sets synchronous=NORMAL on its writer after prepareDatabase, so it must be set here,
        // after opening, on the writer itself, and read back from that same connection (FACTS.md).
        let level = configuration.synchronous.rawValue
        let inForce = try pool.writeWithoutTransaction { db -> Int? in
            try db.execute(sql: "PRAGMA synchronous = \(level)")
            return try Int.fetchOne(db, sql: "PRAGMA synchronous")
        }
        guard inForce == level else {
            throw LedgerError(.durability, "the ledger's writer runs with synchronous=\(inForce.map(String.init) ?? "?") "
                + "instead of \(level); refusing to open a ledger that could lose accepted operations")
        }
        let journalMode = try pool.writeWithoutTransaction { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        guard journalMode?.lowercased() == "wal" else {
            throw LedgerError(.durability, "the ledger at \(path) is not in WAL mode (\(journalMode ?? "?"))")
        }
        if configuration.readOnly {
            try Self.requireCurrentSchema(pool, path: path)
        } else {
            try Self.migrateAndIdentify(pool)
        }
        self.writer = pool
        self.cache = LedgerCache()
        self.keyRing = DataVersionCache()
        self.apiTokenCache = DataVersionCache()
        self.thread = LedgerThread(name: "storegate-ledger")
        self.statements = WriterStatements()
        self.path = path
    }

    private static func requireCurrentSchema(_ pool: DatabasePool, path: String) throws {
        let migrator = LedgerSchema.migrator
        let applied = try pool.read { try migrator.appliedIdentifiers($0) }
        let pending = migrator.migrations.filter { !applied.contains($0) }
        guard pending.isEmpty else {
            throw LedgerError(.schemaNotCurrent, "the ledger at \(path) needs migrations \(pending.joined(separator: ", ")); "
                + "opened read-only it is left as it is (`storegate run` migrates it at start)")
        }
    }

    /// Brings the schema up to date and gives a new ledger its gateway id.
    private static func migrateAndIdentify(_ pool: DatabasePool) throws {
        try LedgerSchema.migrator.migrate(pool)
        try pool.write { db in
            if try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'gateway_id'") == nil {
                try db.execute(sql: "INSERT INTO settings(key, value) VALUES ('gateway_id', ?)",
                               arguments: [UUID().uuidString.lowercased()])
            }
        }
    }

    /// The `synchronous` level in force on the writing connection (2 = FULL), read through the writer.
    public func synchronousLevel() throws -> Int {
        try self.writer.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// Checkpoints the WAL and closes the database (optional: dropping the last copy closes it too).
    public func close() throws {
        _ = try self.writer.writeWithoutTransaction { db in
            self.statements.finalize()  // SQLite will not close a connection with statements still prepared
            return try db.checkpoint(.truncate)
        }
        try self.writer.close()
    }
}
