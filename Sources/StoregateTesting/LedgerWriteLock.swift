import GRDB

/// Another process's view of the ledger holding its write lock (`BEGIN IMMEDIATE` on a connection of its own)
/// until ``release()``: the ledger's writes wait out their busy timeout and fail with `SQLITE_BUSY`, as they would
/// behind a long `storegate import` or a backup tool.
public final class LedgerWriteLock: Sendable {
    private let queue: DatabaseQueue

    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        // The point is a transaction left open between two calls.
        configuration.allowsUnsafeTransactions = true
        self.queue = try DatabaseQueue(path: path, configuration: configuration)
        try self.queue.writeWithoutTransaction { try $0.execute(sql: "BEGIN IMMEDIATE") }
    }

    public func release() throws {
        try self.queue.writeWithoutTransaction { try $0.execute(sql: "COMMIT") }
    }
}
