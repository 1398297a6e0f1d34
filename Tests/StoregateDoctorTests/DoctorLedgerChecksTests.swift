import Foundation
import StoregateCore
import StoregateDaemon
import StoregateDoctor
import StoregateLedger
import StoregateTesting
import Testing

/// The doctor's ledger-reading checks, run in-process on ledgers in a temporary directory. No config file: the
/// defaults apply, with the ledger path (and store id) set the way the command line's overrides set them.
@Suite struct DoctorLedgerChecksTests {
    static let ledgerChecks: Set<String> = ["ledger", "backlog", "sync"]

    static func findings(db: String, storeID: String? = nil, in directory: TemporaryDirectory) async -> [String: DoctorFinding] {
        let context = DoctorContext(configPath: directory.file("absent.toml"), overrides: { configuration in
            configuration.databasePath = db
            if let storeID { configuration.storeID = storeID }
        }, timeout: .seconds(1), deep: false)
        let findings = await DoctorChecks.run(context, only: Self.ledgerChecks)
        return Dictionary(uniqueKeysWithValues: findings.map { ($0.check, $0) })
    }

    @Test func aCurrentLedgerIsReportedWithItsStoreSchemaAndJournal() async throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        try fixture.register(ids: ["01/09506000134352/21/DOC1"])
        try fixture.apply(.redeem, .unit(serial: "DOC1"))
        let findings = await Self.findings(db: fixture.path, in: fixture.directory)
        let ledger = try #require(findings["ledger"])
        #expect(ledger.status == .ok, "\(ledger)")
        #expect(ledger.summary.contains("store S1, schema v8, 1 events"))
        #expect(findings["backlog"]?.status != .skip)
    }

    @Test func anOlderLedgerIsReportedAndLeftUnmigrated() async throws {
        let directory = try TemporaryDirectory(prefix: "storegate-doctor")
        defer { directory.remove() }
        let path = directory.file("v1.sqlite")
        try Version1Ledger.write(at: path)
        let findings = await Self.findings(db: path, in: directory)
        let ledger = try #require(findings["ledger"])
        #expect(ledger.status == .warn)
        #expect(ledger.summary.contains("schema v1"))
        #expect(ledger.summary.contains("pending: v2, v3, v4"))
        #expect(findings["backlog"]?.status == .skip)
        #expect(findings["sync"]?.status == .skip)
        // The doctor only looked.
        #expect(try LedgerSchemaState(path: path).applied == ["v1"])
    }

    @Test func aStoreIDOtherThanTheLedgersFailsNamingBoth() async throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let findings = await Self.findings(db: fixture.path, storeID: "S9", in: fixture.directory)
        let ledger = try #require(findings["ledger"])
        #expect(ledger.status == .fail)
        #expect(ledger.summary.contains("S9"))
        #expect(ledger.summary.contains("S1"))
    }

    @Test func aMissingLedgerFailsWithTheInitCommandAndTheOtherLedgerChecksSkip() async throws {
        let directory = try TemporaryDirectory(prefix: "storegate-doctor")
        defer { directory.remove() }
        let findings = await Self.findings(db: directory.file("none.sqlite"), in: directory)
        #expect(findings["ledger"]?.status == .fail)
        #expect(findings["ledger"]?.fix?.contains("storegate ledger init") == true)
        #expect(findings["backlog"]?.status == .skip)
        #expect(findings["sync"]?.status == .skip)
        #expect(!FileManager.default.fileExists(atPath: directory.file("none.sqlite")))
    }
}
