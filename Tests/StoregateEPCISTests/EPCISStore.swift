import Foundation
import StoregateLedger
import StoregateTesting
import Testing

/// A store for the export tests: a real ledger made and operated by the real `storegate` binary (the operation
/// commands take the same path as the daemon's scans: `OperationDesk`), and a config file naming its GLN.
struct EPCISStore {
    static let gln = "9506000134376"
    static let gtin = "09506000134352"
    let directory: TemporaryDirectory
    let db: String
    let config: String

    /// `storeSection`: the config file's `[store]` table (nil: none).
    init(storeSection: String? = "gln = \"\(Self.gln)\"\nread_point_extension = \"tills\"", utcOffsetMinutes: Int = 480) throws {
        self.directory = try TemporaryDirectory(prefix: "storegate-epcis")
        self.db = self.directory.file("ledger.sqlite")
        self.config = self.directory.file("storegate.toml")
        try ("[gateway]\ndb = \"\(self.db)\"\n" + (storeSection.map { "[store]\n\($0)\n" } ?? ""))
            .write(toFile: self.config, atomically: true, encoding: .utf8)
        try self.expectSuccess(["ledger", "init", "--db", self.db, "--store-id", "S1", "--region", "CN-31"])
        try self.expectSuccess(["ledger", "policy", "--db", self.db, "--utc-offset-minutes", String(utcOffsetMinutes)])
    }

    func remove() { self.directory.remove() }

    static func unit(_ serial: String) -> String { "01/\(Self.gtin)/21/\(serial)" }

    /// Registers units (with their campaign) as HQ's batch import does.
    func register(_ serials: [String], campaign: String = "") throws {
        let csv = self.directory.file("batch-\(UUID().uuidString).csv")
        try ("code,campaign\n" + serials.map { "\(Self.unit($0)),\(campaign)" }.joined(separator: "\n") + "\n")
            .write(toFile: csv, atomically: true, encoding: .utf8)
        try self.expectSuccess(["import", "--db", self.db, csv])
    }

    /// One operation command (`receive`, `sell`, `redeem`, `void`, `verify`); returns its exit status.
    @discardableResult
    func operate(_ operation: String, _ scan: String, lane: String = "2") throws -> Int32 {
        try StoregateCommand.run([operation, "--db", self.db, "--lane", lane, "--operator", "op-\(lane)", scan]).status
    }

    /// `storegate sale` or `storegate return` with `document`.
    func ring(_ command: String, _ document: String) throws {
        let file = self.directory.file("\(command)-\(UUID().uuidString).json")
        try document.write(toFile: file, atomically: true, encoding: .utf8)
        try self.expectSuccess([command, "--db", self.db, "--file", file, "--lane", "T1"])
    }

    /// `storegate export epcis` with this store's config.
    func export(_ arguments: [String]) throws -> StoregateCommand.Result {
        try StoregateCommand.run(["export", "epcis", "--config", self.config] + arguments)
    }

    func expectSuccess(_ arguments: [String]) throws {
        let result = try StoregateCommand.run(arguments)
        #expect(result.status == 0, "storegate \(arguments.joined(separator: " ")): \(result.stdout) \(result.stderr)")
    }

    /// The ledger's journal as the store holds it.
    func journal() throws -> [JournalEvent] {
        try Ledger(path: self.db).journal(fromSeq: 1, limit: 1_000)
    }
}
