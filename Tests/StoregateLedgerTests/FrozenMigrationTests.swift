import Foundation
import GRDB
import StoregateCore
import StoregateLedger
import StoregateTesting
import Testing

/// A ledger written by the first released schema (v1) opens in today's build: every later migration runs on it,
/// its data survives, and it ends up with exactly the schema of a ledger created today. The v1 statements are kept
/// in ``Version1Ledger`` as released, so an edit to a shipped migration in `LedgerSchema` fails this test.
@Suite struct FrozenMigrationTests {
    @Test func aLedgerOfTheFirstReleasedSchemaMigratesKeepingItsData() throws {
        let directory = try TemporaryDirectory(prefix: "storegate-migration")
        defer { directory.remove() }
        let oldPath = directory.file("v1.sqlite")
        try Version1Ledger.write(at: oldPath)

        let ledger = try Ledger(path: oldPath)
        let policy = try ledger.policy()
        #expect(policy.storeID == "S1")
        #expect(policy.region == "EU-DE")
        #expect(try ledger.gatewayID() == "6f1c1e2a-0000-4000-8000-000000000001")
        #expect(try ledger.record(codeID: "01/09506000134352/21/OLD1")?.state == .redeemed)
        #expect(try ledger.record(codeID: "01/09506000134352/21/OLD2")?.state == .issued)
        #expect(try ledger.trustedKeyList().map(\.keyID) == ["hq1"])
        let summary = try ledger.outboxSummary()
        #expect(summary.undelivered == 1, "the v1 outbox row becomes pending (v2's shed_ms is NULL)")
        #expect(summary.headSeq == 1)
        #expect(try ledger.history(codeID: "01/09506000134352/21/OLD1").events.map(\.seq) == [1])
        // And it keeps working: the next event follows the old chain.
        let outcome = try ledger.apply(OperationRequest(
            operation: .redeem, code: .unit(serial: "OLD2"), context: .test()))
        #expect(outcome.result == .accepted)
        #expect(outcome.seq == 2)
        // The old event keeps its bytes (v8's writer names are NULL, so they are not in them); the new one names
        // its writer and chains to the old one's stored hash.
        let events = try ledger.journal()
        #expect(!events[0].canonicalPayload.contains("store_id"))
        #expect(events[1].canonicalPayload.contains(#""store_id":"S1","gateway_id":"6f1c1e2a-0000-4000-8000-000000000001""#))
        #expect(events[1].prevHash == events[0].hash)
        try ledger.close()

        let fresh = try LedgerFixture(in: directory)
        try fresh.ledger.close()
        #expect(try Self.schema(of: oldPath) == Self.schema(of: fresh.path))
    }

    @Test func openedReadOnlyAnOlderLedgerIsRefusedAndLeftAsItIs() throws {
        let directory = try TemporaryDirectory(prefix: "storegate-migration")
        defer { directory.remove() }
        let path = directory.file("v1.sqlite")
        try Version1Ledger.write(at: path)
        #expect(throws: LedgerError.self) {
            try Ledger(path: path, configuration: LedgerConfiguration(readOnly: true))
        }
        #expect(try LedgerSchemaState(path: path).applied == ["v1"])
    }

    /// Every table, index and trigger as SQLite stores its definition, without GRDB's bookkeeping.
    private static func schema(of path: String) throws -> [String] {
        try DatabaseQueue(path: path).read { db in
            try String.fetchAll(db, sql: """
                SELECT type || ' ' || name || ': ' || sql FROM sqlite_master
                WHERE sql IS NOT NULL AND name NOT LIKE 'grdb_%' ORDER BY name
                """)
        }
    }
}
