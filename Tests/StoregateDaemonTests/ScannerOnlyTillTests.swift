import Foundation
import StoregateCore
import StoregateLedger
import StoregateTesting
import Testing

/// A store without a POS: a scanner on a lane with role `sale` rings up each scan as a one-line basket.
@Suite struct ScannerOnlyTillTests {
    @Test func eachScanIsAOneLineBasketAndARefusedScanIsStillJournaled() async throws {
        let broker = try Broker()
        defer { broker.stop() }
        let work = try TemporaryDirectory(prefix: "storegate-sale-lane")
        defer { work.remove() }
        let binary = try StoregateBinary.path()
        let db = work.file("ledger.sqlite")
        let initialise = try ChildProcess(executable: binary, arguments: ["ledger", "init", "--db", db, "--store-id", "S1", "--region", "EU-DE"])
        #expect(initialise.wait(seconds: 30) == 0)
        do {
            let ledger = try Ledger(path: db)
            #expect(try ledger.register([CodeRegistration(code: "01/09506000134352/21/ABC")]).imported == 1)
        }

        // A registered unit, a retail EAN-13, the same unit again, and a unit nobody issued: typed by a keyboard wedge.
        let enter = ["0000280000000000", "0000000000000000"]
        var lines = ["#!storegate-capture kind=keyboard layout=us suffix=enter"]
        for scan in ["010950600013435221ABC", "4006381333931", "010950600013435221ABC", "010950600013435221XYZ"] {
            lines += IncompleteScanTests.keyboardReports(typing: scan) + enter
        }
        let capture = work.file("capture.hex")
        try lines.joined(separator: "\n").write(toFile: capture, atomically: true, encoding: .utf8)

        let answers = work.file("answers.txt")
        let gateway = try ChildProcess(
            executable: binary,
            arguments: ["run", "--db", db, "--broker", broker.url, "--source", "replay:\(capture)", "--role", "sale",
                        "--exit-when-drained", "--log-level", "warning"],
            stdoutFile: answers, stderrFile: work.file("gateway.log"))
        defer { gateway.killNow() }
        #expect(gateway.wait(seconds: 60) == 0, "\((try? String(contentsOfFile: work.file("gateway.log"), encoding: .utf8)) ?? "")")

        let ledger = try Ledger(path: db)
        let events = try ledger.journal().filter { $0.operation != .salesSummary }
        #expect(events.map(\.operation) == [.sale, .sale, .sell, .sell])
        #expect(events.map(\.result) == [.accepted, .accepted, .alreadySold, .unknownCode])
        let plain = try #require(try JSONSerialization.jsonObject(with: Data(events[1].details.utf8)) as? [String: Any])
        let line = try #require((plain["lines"] as? [[String: Any]])?.first)
        #expect(line["type"] as? String == "plain")
        #expect(line["gtin"] as? String == "04006381333931")
        #expect(line["quantity"] as? Int == 1)
        #expect(try ledger.record(codeID: "01/09506000134352/21/ABC")?.state == .sold)
        #expect(try ledger.productSales()["04006381333931"] == 1)
        let printed = try String(contentsOfFile: answers, encoding: .utf8)
        #expect(printed.components(separatedBy: "SOLD on receipt scan-").count == 3, "\(printed)")
    }
}
