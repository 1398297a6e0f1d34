import Foundation
import GRDB

/// Which of this build's migrations a ledger file has had, read without changing the file (opening a ``Ledger``
/// migrates it). `storegate doctor` reports it before opening.
public struct LedgerSchemaState: Sendable, Equatable {
    /// Migrations this build knows, in order (`v1`, `v2`, …).
    public var known: [String]
    /// Known migrations the file has had.
    public var applied: [String]
    /// Migrations the file has had that this build does not know: a newer storegate wrote it.
    public var unknown: [String]

    /// Known migrations the file has not had yet (opening the ledger applies them).
    public var pending: [String] { self.known.filter { !self.applied.contains($0) } }

    /// Reads the state of the ledger at `path` through a read-only connection.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        let migrator = LedgerSchema.migrator
        let done = try queue.read { try migrator.appliedIdentifiers($0) }
        self.known = migrator.migrations
        self.applied = self.known.filter { done.contains($0) }
        self.unknown = done.subtracting(self.known).sorted()
    }
}
