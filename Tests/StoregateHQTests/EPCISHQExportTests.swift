import Foundation
import StoregateCore
import StoregateHQ
import StoregateLedger
import StoregateTesting
import Testing

/// `storegate-hq export epcis`: a store's events as HQ stored them give the same EPCIS events as the store's own
/// `storegate export epcis` of its ledger.
@Suite(.serialized) struct EPCISHQExportTests {
    static let gln = "9506000134376"
    static let period = ["--from", "2000-01-01T00:00:00Z", "--to", "2100-01-01T00:00:00Z"]

    /// Runs a binary to completion; stdout and stderr as text.
    static func run(_ binary: String, _ arguments: [String], in directory: TemporaryDirectory) throws -> (status: Int32?, stdout: String, stderr: String) {
        let name = UUID().uuidString
        let process = try ChildProcess(executable: binary, arguments: arguments, stdoutFile: directory.file("\(name).out"),
                                       stderrFile: directory.file("\(name).err"))
        let status = process.wait(seconds: 60)
        let read = { (suffix: String) in (try? String(contentsOfFile: directory.file("\(name).\(suffix)"), encoding: .utf8)) ?? "" }
        return (status, read("out"), read("err"))
    }

    static func eventList(_ json: String) throws -> [[String: Any]] {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        return try #require((document["epcisBody"] as? [String: Any])?["eventList"] as? [[String: Any]])
    }

    @Test func hqExportsTheStoresEventsAsTheStoreDoes() async throws {
        let harness = try HQHarness()
        let storegate = try StoregateBinary.path()
        let hqBinary = try StoregateBinary.path(named: "storegate-hq")
        let directory = harness.directory
        let db = directory.file("S1.sqlite")
        func store(_ arguments: [String]) throws {
            let result = try Self.run(storegate, arguments, in: directory)
            #expect(result.status == 0, "storegate \(arguments.joined(separator: " ")): \(result.stderr)")
        }
        try store(["ledger", "init", "--db", db, "--store-id", "S1", "--region", "CN-31"])
        try store(["ledger", "policy", "--db", db, "--utc-offset-minutes", "480"])
        let csv = directory.file("codes.csv")
        try "code\n01/09506000134352/21/H1\n01/09506000134352/21/H2\n01/09506000134352/21/H3\n".write(toFile: csv, atomically: true, encoding: .utf8)
        try store(["import", "--db", db, csv])
        try store(["receive", "--db", db, "01/09506000134352/21/H1"])
        try store(["sell", "--db", db, "01/09506000134352/21/H1"])
        try store(["redeem", "--db", db, "01/09506000134352/21/H2"])
        try store(["void", "--db", db, "01/09506000134352/21/H2"])
        try store(["verify", "--db", db, "01/09506000134352/21/H3"])
        let ledger = try Ledger(path: db)
        let journal = try ledger.journal(fromSeq: 1, limit: 100)
        let gateway = try ledger.gatewayID()
        try ledger.close()
        #expect(journal.count == 5)

        let hq = try await harness.start(harness.configuration())
        try await waitUntil("the schema", seconds: 30, interval: .milliseconds(100)) {
            (try? harness.int("SELECT count(*) FROM schema_migrations")) == HQMigrations.all.count
        }
        _ = try harness.value("INSERT INTO stores (store_id, time_zone) VALUES ('S1', 'Asia/Shanghai')")
        let publisher = try await GatewayPublisher(broker: harness.broker)
        try await publisher.publish(journal.map { ("S1", gateway, Array($0.canonicalPayload.utf8)) })
        await publisher.stop()
        try await harness.waitForWatermark(store: "S1", gateway: gateway, Int64(journal.count))
        try await hq.stop()

        let config = try harness.configurationFile()
        let hqOut = directory.file("hq.jsonld")
        let exported = try Self.run(hqBinary, ["export", "epcis", "--config", config, "--store", "S1", "--gln", Self.gln,
                                               "--read-point-extension", "tills", "--out", hqOut] + Self.period, in: directory)
        #expect(exported.status == 0, "\(exported.stderr)")
        let storeConfig = directory.file("storegate.toml")
        try "[store]\ngln = \"\(Self.gln)\"\nread_point_extension = \"tills\"\n".write(toFile: storeConfig, atomically: true, encoding: .utf8)
        let atStore = try Self.run(storegate, ["export", "epcis", "--config", storeConfig, "--db", db] + Self.period, in: directory)
        #expect(atStore.status == 0, "\(atStore.stderr)")

        let fromHQ = try Self.eventList(try String(contentsOfFile: hqOut, encoding: .utf8))
        let fromStore = try Self.eventList(atStore.stdout)
        #expect(fromHQ.count == 4)  // receive, sell, redeem, void; not the verify
        #expect(fromHQ.map { $0["storegate:operation"] as? String } == ["receive", "sell", "redeem", "void"])
        #expect(fromHQ.map { $0["eventID"] as? String } == journal.prefix(4).map { "urn:uuid:\($0.eventID.lowercased())" })
        #expect(fromHQ.allSatisfy { $0["eventTimeZoneOffset"] as? String == "+08:00" })
        #expect((fromHQ as NSArray).isEqual(to: fromStore), "HQ: \(fromHQ)\nstore: \(fromStore)")

        // A store HQ has no events of: an empty document. A bad GLN or period: exit 2, nothing written.
        let other = try Self.run(hqBinary, ["export", "epcis", "--config", config, "--store", "S2", "--gln", Self.gln] + Self.period, in: directory)
        #expect(other.status == 0, "\(other.stderr)")
        #expect(try Self.eventList(other.stdout).isEmpty)
        let refusedOut = directory.file("refused.jsonld")
        let badGLN = try Self.run(hqBinary, ["export", "epcis", "--config", config, "--store", "S1", "--gln", "9506000134377",
                                             "--out", refusedOut] + Self.period, in: directory)
        #expect(badGLN.status == 2)
        #expect(badGLN.stderr.contains("check digit should be 6"), "\(badGLN.stderr)")
        let backwards = try Self.run(hqBinary, ["export", "epcis", "--config", config, "--store", "S1", "--gln", Self.gln, "--out", refusedOut,
                                                "--from", "2026-12-06T00:00:00+08:00", "--to", "2026-12-05T00:00:00+08:00"], in: directory)
        #expect(backwards.status == 2)
        #expect(backwards.stderr.contains("is not before --to"), "\(backwards.stderr)")
        #expect(!FileManager.default.fileExists(atPath: refusedOut))
    }
}
