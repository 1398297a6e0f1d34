/// How the ledger opens its database. The defaults are the durable ones.
public struct LedgerConfiguration: Sendable {
    /// SQLite's `synchronous` level on the writing connection.
    public enum Synchronous: Int, Sendable {
        /// fsync the WAL at every commit: a committed redemption survives power loss. The default.
        case full = 2
        /// fsync only at checkpoints: faster, but the last commits can be lost on power loss. Benchmarks only.
        case normal = 1
    }

    public var synchronous: Synchronous
    /// How long a transaction waits for another process that holds the write lock.
    public var busyTimeoutSeconds: Double
    /// When false, opening a path with no ledger fails instead of creating one (every command but `ledger init`).
    public var createIfMissing: Bool
    /// Open to look, never to change (`storegate doctor`): no migration, no write; a ledger whose schema is not
    /// current is refused (``LedgerError/Code/schemaNotCurrent``) instead of being migrated.
    public var readOnly: Bool

    public init(synchronous: Synchronous = .full, busyTimeoutSeconds: Double = 5, createIfMissing: Bool = false,
                readOnly: Bool = false) {
        self.synchronous = synchronous
        self.busyTimeoutSeconds = busyTimeoutSeconds
        self.createIfMissing = createIfMissing
        self.readOnly = readOnly
    }
}
