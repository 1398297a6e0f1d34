import Foundation
import GRDB
import StoregateCore
import StoregateLedger
import StoregateTesting
import Testing

/// A store box's ledger a week on: the gateway delivered its events and its upkeep pruned the delivered outbox
/// rows. `storegate ledger check` must call that ledger sound, and still fail on a lost undelivered event.
@Suite(.serialized)
struct PrunedLedgerCheckCommandTests {
    static func text(_ file: String) -> String { (try? String(contentsOfFile: file, encoding: .utf8)) ?? "" }

    @Test func theGatewaysOwnPruningLeavesALedgerThatChecksCleanAndALostUndeliveredEventIsStillFound() throws {
        let binary = try StoregateBinary.path()
        let work = try TemporaryDirectory(prefix: "storegate-pruned")
        defer { work.remove() }
        let broker = try Broker()
        defer { broker.stop() }
        let db = work.file("ledger.sqlite")
        #expect(try StoregateCommand.run(["ledger", "init", "--db", db, "--store-id", "S1", "--region", "EU-DE"]).status == 0)
        let csv = work.file("codes.csv")
        try ("code\n" + (1...5).map { "01/09506000134352/21/PR\($0)" }.joined(separator: "\n") + "\n")
            .write(toFile: csv, atomically: true, encoding: .utf8)
        #expect(try StoregateCommand.run(["import", "--db", db, csv]).status == 0)
        for serial in 1...4 {
            #expect(try StoregateCommand.run(["redeem", "--db", db, "01/09506000134352/21/PR\(serial)"]).status == 0)
        }
        // Retention 0 days: the upkeep at each start prunes whatever was delivered before it.
        let config = work.file("storegate.toml")
        try """
            [gateway]
            db = "\(db)"

            [mqtt]
            url = "\(broker.url)"

            [disk]
            reserve_mib = 0
            keep_delivered_days = 0
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let log = work.file("gateway.log")
        for _ in 0..<2 {  // the first run delivers, the second one's upkeep prunes
            let gateway = try ChildProcess(executable: binary, arguments: ["run", "--config", config, "--exit-when-drained", "--log-level", "warning"],
                                           stdoutFile: log, stderrFile: log)
            #expect(gateway.wait(seconds: 60) == 0, "\(Self.text(log))")
        }
        let ledger = try Ledger(path: db)
        #expect(try ledger.outboxEntries(fromSeq: 1, limit: 100, undeliveredOnly: false).isEmpty, "every delivered row was pruned")
        #expect(try ledger.stats().journalLength >= 4, "the four redemptions are journaled")

        let clean = try StoregateCommand.run(["ledger", "check", "--db", db])
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")

        // One more redemption while the broker is away: undelivered, so its outbox row must be there.
        #expect(try StoregateCommand.run(["redeem", "--db", db, "01/09506000134352/21/PR5"]).status == 0)
        #expect(try StoregateCommand.run(["ledger", "check", "--db", db]).status == 0)
        let last = try ledger.stats().journalLength
        let queue = try DatabaseQueue(path: db)
        try queue.writeWithoutTransaction { try $0.execute(sql: "DELETE FROM outbox WHERE seq = \(last)") }
        try queue.close()
        let broken = try StoregateCommand.run(["ledger", "check", "--db", db])
        #expect(broken.status == 1, "\(broken.stdout)\(broken.stderr)")
        #expect((broken.stdout + broken.stderr).contains("event \(last)"), "\(broken.stdout)\(broken.stderr)")
    }
}
