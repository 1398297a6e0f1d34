public import Logging
public import PostgresNIO
public import ServiceLifecycle

/// HQ's one way into PostgreSQL: a pool of connections (postgres-nio's `PostgresClient`, run as a `Service`) and
/// the schema's migrations. Every unit of work is a transaction through ``transaction(_:)``.
public final class HQDatabase: Service, Sendable {
    public let client: PostgresClient
    let logger: Logger
    private let schemaGate = SchemaGate()
    private let runningGate = SchemaGate()

    public init(configuration: HQConfiguration.Database, logger: Logger) {
        var postgres = PostgresClient.Configuration(
            host: configuration.host, port: configuration.port, username: configuration.user,
            password: configuration.password, database: configuration.name, tls: .disable)
        postgres.options.maximumConnections = configuration.poolSize
        postgres.options.minimumConnections = 1
        self.client = PostgresClient(configuration: postgres, backgroundLogger: logger)
        self.logger = logger
    }

    /// Keeps the pool's connections until graceful shutdown.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            // The gate opens as the pool's `run()` is entered (nothing suspends in between): a connection leased
            // before that makes postgres-nio warn that `run()` hasn't been called yet.
            self.runningGate.open()
            await self.client.run()
        }
    }

    /// Returns once ``run()`` runs the pool; ``migrate()`` and the commands wait for it before their first query
    /// (the services that need the schema wait for the migrations, so for this too).
    public func waitUntilRunning() async throws {
        try await self.runningGate.wait()
    }

    /// `body` in one transaction, committed when it returns, rolled back when it throws. What `body` throws comes
    /// back as itself once the rollback is done (postgres-nio wraps it with the begin, commit and rollback errors),
    /// so that callers catch their own errors by type.
    @discardableResult
    public func transaction<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        do {
            return try await self.client.withTransaction(logger: self.logger) { connection in
                try await body(connection)
            }
        } catch let error as PostgresTransactionError {
            if error.rollbackError == nil, let thrown = error.closureError { throw thrown }
            throw error
        }
    }

    /// Applies the migrations this database lacks, in order, in one transaction. Instances starting together take
    /// turns on an advisory lock, so each migration runs once.
    @discardableResult
    public func migrate() async throws -> [HQMigrations.Migration] {
        try await self.waitUntilRunning()
        let newlyApplied = try await self.transaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(HQLocks.migrations))", logger: self.logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                """, logger: self.logger)
            var applied = Set<Int>()
            for try await version in try await connection.query("SELECT version FROM schema_migrations", logger: self.logger)
                .decode(Int.self) {
                applied.insert(version)
            }
            var done: [HQMigrations.Migration] = []
            for migration in HQMigrations.all where !applied.contains(migration.version) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: self.logger)
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: self.logger)
                done.append(migration)
            }
            return done
        }
        self.schemaGate.open()
        return newlyApplied
    }

    /// Waits until this instance has applied (or found applied) every migration: true then, false when a
    /// graceful shutdown comes first. Services that read or write the schema start with it.
    public func waitForSchema() async throws -> Bool {
        do {
            try await cancelWhenGracefulShutdown { try await self.schemaGate.wait() }
            return true
        } catch is CancellationError where Task.isShuttingDownGracefully {
            return false
        }
    }

    /// The versions applied, in order.
    public func appliedMigrations() async throws -> [Int] {
        var versions: [Int] = []
        let rows = try await self.client.query("SELECT version FROM schema_migrations ORDER BY version", logger: self.logger)
        for try await version in rows.decode(Int.self) { versions.append(version) }
        return versions
    }
}

/// Advisory lock ids (one namespace for the whole program).
enum HQLocks {
    static let migrations: Int64 = 0x5354_4751_0001
    static let partitions: Int64 = 0x5354_4751_0002
}
