import Foundation
import GRDB
public import StoregateCore
public import StoregateLedger

/// A ledger in a fresh temporary directory, initialised as store `S1` in region `EU-DE`. Call ``remove()`` in `defer`.
public struct LedgerFixture: Sendable {
    public let directory: TemporaryDirectory
    public let ledger: Ledger

    /// `directory`: where the ledger goes (default: a fresh temporary directory). `gatewayID` replaces the random
    /// id a new ledger gets, for tests that publish its events on a topic of their choosing (HQ checks that the
    /// events' writer is the topic's gateway).
    public init(in directory: TemporaryDirectory? = nil, gatewayID: String? = nil, configure: (inout StorePolicy) -> Void = { _ in }) throws {
        self.directory = try directory ?? TemporaryDirectory(prefix: "storegate-ledger")
        let path = self.directory.file("ledger.sqlite")
        if let gatewayID {
            try Ledger(path: path, configuration: LedgerConfiguration(createIfMissing: true)).close()
            try DatabaseQueue(path: path).write { db in
                try db.execute(sql: "UPDATE settings SET value = ? WHERE key = 'gateway_id'", arguments: [gatewayID])
            }
        }
        self.ledger = try Ledger(path: path, configuration: LedgerConfiguration(createIfMissing: true))
        try self.ledger.initialise(storeID: "S1", region: "EU-DE")
        try self.ledger.updatePolicy(configure)
    }

    public var path: String { self.ledger.path }

    /// Registers codes through the importer from CSV text (header included), failing on any rejected row.
    @discardableResult
    public func register(csv: String) throws -> ImportReport {
        let file = self.directory.file("batch-\(UUID().uuidString).csv")
        try csv.write(toFile: file, atomically: true, encoding: .utf8)
        let report = try self.ledger.importCodes(from: file)
        guard report.rejected == 0 else {
            throw FixtureError(message: "fixture rows rejected: \(report.rejections)")
        }
        return report
    }

    /// Registers plain unit codes (canonical ids).
    public func register(ids: [String]) throws {
        try self.register(csv: "code\n" + ids.joined(separator: "\n") + "\n")
    }

    /// Applies one operation with a test context.
    @discardableResult
    public func apply(
        _ operation: StoregateCore.Operation,
        _ code: ParsedCode,
        signature: SignatureCheck = .absent,
        context: DecisionContext = .test(),
        key: String? = nil
    ) throws -> OperationOutcome {
        try self.ledger.apply(OperationRequest(operation: operation, code: code, signature: signature, context: context, idempotencyKey: key))
    }

    public func remove() {
        self.directory.remove()
    }

    public struct FixtureError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { self.message }
    }
}
