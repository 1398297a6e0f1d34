/// The ledger for async code (the scan pipeline, the POS API, metrics, the disk watch): every call runs the blocking
/// one on the ledger's own thread (``LedgerThread``) and suspends the caller until it is done, so no thread of the
/// cooperative pool ever waits for SQLite. The CLI keeps the synchronous ``Ledger`` API.
public struct AsyncLedger: Sendable {
    public let ledger: Ledger

    /// Runs `body` with the ledger on the ledger's thread: for a unit of work made of several blocking calls.
    public func run<T: Sendable>(_ body: @escaping @Sendable (Ledger) throws -> T) async throws -> T {
        let ledger = self.ledger
        return try await ledger.thread.run { try body(ledger) }
    }

    public func apply(_ request: OperationRequest) async throws -> OperationOutcome {
        try await self.run { try $0.apply(request) }
    }

    public func outboxSummary() async throws -> OutboxSummary {
        try await self.run { try $0.outboxSummary() }
    }

    public func history(codeID: String) async throws -> CodeHistory {
        try await self.run { try $0.history(codeID: codeID) }
    }
}

extension Ledger {
    /// This ledger for async code; see ``AsyncLedger``.
    public var async: AsyncLedger { AsyncLedger(ledger: self) }
}
