import Foundation
import StoregateContract
import StoregateCore
import StoregateLedger
import StoregateTesting
import Testing
import StoregateFoundation

/// The real `storegate run` with its ledger on a small real filesystem that is full when the store opens: every
/// redemption is accepted (from the disk reserve) and reaches HQ, verifies are answered without being journaled,
/// and the status says what happened.
@Suite(.serialized)
struct DiskFullGatewayTests {
    @Test func aGatewayOnAFullDiskKeepsRedeemingAndSaysSo() async throws {
        let broker = try Broker()
        defer { broker.stop() }
        let filesystem = try SmallFilesystem(megabytes: 32)
        defer { filesystem.unmount() }
        let work = try TemporaryDirectory(prefix: "storegate-diskfull")
        defer { work.remove() }
        let binary = try StoregateBinary.path()
        let db = filesystem.file("ledger.sqlite")
        #expect(try ChildProcess(executable: binary, arguments: ["ledger", "init", "--db", db, "--store-id", "S1", "--region", "EU-DE"]).wait(seconds: 30) == 0)
        let serials = (0..<200).map { "CAP\($0)" }
        do {
            let ledger = try Ledger(path: db)
            #expect(try ledger.register(serials.map { CodeRegistration(code: "01/09506000134352/21/\($0)") }).imported == serials.count)
            try ledger.close()
        }
        let config = work.file("storegate.toml")
        try """
            [gateway]
            db = "\(db)"
            [mqtt]
            url = "\(broker.url)"
            [disk]
            reserve_mib = 8
            low_space_mib = 8
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let redemptions = work.file("redeem.txt")
        try serials.map { "010950600013435221\($0)" }.joined(separator: "\n").write(toFile: redemptions, atomically: true, encoding: .utf8)
        let verifies = work.file("verify.txt")
        try serials.prefix(5).map { "010950600013435221\($0)" }.joined(separator: "\n").write(toFile: verifies, atomically: true, encoding: .utf8)

        // A first run takes the reserve; then the disk fills up while the gateway is down.
        let empty = work.file("empty.txt")
        try "".write(toFile: empty, atomically: true, encoding: .utf8)
        let log = work.file("gateway.log")
        let first = try ChildProcess(executable: binary, arguments: ["run", "--config", config, "--source", "replay:\(empty)", "--role", "service",
                                                                     "--exit-when-drained", "--log-level", "warning"], stdoutFile: log, stderrFile: log)
        #expect(first.wait(seconds: 60) == 0, "\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        #expect(FileManager.default.fileExists(atPath: db + ".reserve"))
        try filesystem.fill(leavingFree: 64 * 1024)

        let subscriber = try EventCounter(port: broker.port)
        try await subscriber.waitUntilSubscribed()
        let answers = work.file("answers.txt")
        let gateway = try ChildProcess(
            executable: binary,
            arguments: ["run", "--config", config, "--source", "replay:\(redemptions)", "--role", "redemption",
                        "--source", "replay:\(verifies)", "--role", "service", "--exit-when-drained", "--log-level", "warning"],
            stdoutFile: answers, stderrFile: log)
        defer { gateway.killNow() }
        #expect(gateway.wait(seconds: 120) == 0, "\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")

        let lines = try String(contentsOfFile: answers, encoding: .utf8).split(separator: "\n")
        #expect(lines.filter { $0.contains(" redeem ") && $0.contains("ACCEPTED") }.count == serials.count, "\(lines.prefix(5))")
        #expect(lines.filter { $0.contains(" verify ") && $0.contains("[not journaled: disk space low]") }.count == 5)
        let logText = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(logText.contains("released the 8 MiB reserve"), "\(logText)")

        let ledger = try Ledger(path: db)
        let events = try ledger.journal(limit: 1_000).filter { $0.operation != .salesSummary }
        #expect(events.count == serials.count, "redemptions journaled once each; verifies not at all")
        #expect(events.allSatisfy { $0.operation == .redeem && $0.result == .accepted })
        #expect(try ledger.check().isOK)
        // Every redemption and the sales summary written as the gateway stopped.
        try await waitUntil("HQ has every redemption", seconds: 30) { subscriber.unique == serials.count + 1 }
        #expect(try ledger.stats().journalLength == Int64(serials.count + 1))
        await subscriber.stop()

        let status = try HQJSON.decode(GatewayStatus.self, from: Array(try Data(contentsOf: URL(fileURLWithPath: db + ".status.json"))))
        let disk = try #require(status.disk)
        #expect(!disk.reserveHeld)
        #expect(disk.reserveReleasedMs != nil)
        #expect(disk.lowSpace)
        #expect(disk.verifiesNotJournaled == 5)
    }
}
