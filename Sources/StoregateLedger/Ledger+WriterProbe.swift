import GRDB

extension Ledger {
    /// Takes the write lock and lets it go (an empty `BEGIN IMMEDIATE`/`COMMIT`: nothing is written, nothing is
    /// synced), for the watchdog: it returns only if a write could start now, and throws if the database stays
    /// locked past the busy timeout.
    public func probeWriter() throws {
        try self.writer.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            try db.execute(sql: "COMMIT")
        }
    }
}
