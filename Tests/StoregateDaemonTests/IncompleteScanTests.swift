import Foundation
import StoregateCore
import StoregateLedger
import StoregateTesting
import Testing

/// A keyboard scan cut short (the scanner unplugged or the capture ended before Enter) must never be accepted —
/// not even when the characters that did arrive spell another registered code.
@Suite struct IncompleteScanTests {
    /// Boot keyboard reports typing `text` (digits and capitals only) on a US layout, each key pressed and released.
    static func keyboardReports(typing text: String) -> [String] {
        var reports: [String] = []
        for character in text {
            let usage: Int
            var modifier = 0
            switch character {
            case "0": usage = 0x27
            case "1"..."9": usage = 0x1E + Int(character.asciiValue! - UInt8(ascii: "1"))
            case "A"..."Z":
                usage = 0x04 + Int(character.asciiValue! - UInt8(ascii: "A"))
                modifier = 0x02  // left Shift
            default: fatalError("test helper types digits and capitals only")
            }
            reports.append(String(format: "%02x00%02x0000000000", modifier, usage))
            reports.append("0000000000000000")
        }
        return reports
    }

    @Test func aScanCutShortIsJournaledMalformedEvenIfItsPrefixIsARegisteredCode() async throws {
        let broker = try Broker()
        defer { broker.stop() }
        let work = try TemporaryDirectory(prefix: "storegate-incomplete")
        defer { work.remove() }
        let binary = try StoregateBinary.path()
        let db = work.file("ledger.sqlite")
        let initialise = try ChildProcess(executable: binary, arguments: ["ledger", "init", "--db", db, "--store-id", "S1", "--region", "EU-DE"])
        #expect(initialise.wait(seconds: 30) == 0)
        do {
            let ledger = try Ledger(path: db)
            let report = try ledger.register([
                CodeRegistration(code: "01/09506000134352/21/AB"),
                CodeRegistration(code: "01/09506000134352/21/ABC"),
            ])
            #expect(report.imported == 2)
        }

        // Scan 1 is complete (Enter); scan 2 types the element string of …/21/AB but the capture ends before Enter.
        let enter = ["0000280000000000", "0000000000000000"]
        let lines = ["#!storegate-capture kind=keyboard layout=us suffix=enter"]
            + Self.keyboardReports(typing: "010950600013435221ABC") + enter
            + Self.keyboardReports(typing: "010950600013435221AB")
        let capture = work.file("capture.hex")
        try lines.joined(separator: "\n").write(toFile: capture, atomically: true, encoding: .utf8)

        let answers = work.file("answers.txt")
        let gateway = try ChildProcess(
            executable: binary,
            arguments: ["run", "--db", db, "--broker", broker.url, "--source", "replay:\(capture)", "--role", "checkout",
                        "--exit-when-drained", "--log-level", "warning"],
            stdoutFile: answers, stderrFile: work.file("gateway.log"))
        defer { gateway.killNow() }
        #expect(gateway.wait(seconds: 60) == 0, "\((try? String(contentsOfFile: work.file("gateway.log"), encoding: .utf8)) ?? "")")

        let ledger = try Ledger(path: db)
        // The scans' events; the sales summary written as the gateway stopped comes after them.
        let events = try ledger.journal().filter { $0.operation != .salesSummary }
        #expect(events.count == 2)
        #expect(events.first?.codeID == "01/09506000134352/21/ABC")
        #expect(events.first?.result == .accepted)
        #expect(events.last?.result == .malformed)
        #expect(events.last?.codeID == nil)
        #expect(events.last?.reason.contains("cut short") == true, "\(events.last?.reason ?? "")")
        #expect(try ledger.record(codeID: "01/09506000134352/21/AB")?.state == .issued)
        #expect(try ledger.record(codeID: "01/09506000134352/21/ABC")?.state == .sold)
    }
}
