import Foundation
import StoregateTesting
import Testing

/// The scanner commands of the real binary: decode, listen (replay and stdin), bad device specs.
@Suite struct ScannerCommandTests {
    static func run(_ arguments: [String], stdin: String = "") throws -> StoregateCommand.Result {
        try StoregateCommand.run(arguments, stdin: stdin)
    }

    @Test func decodeJSONGivesTextWithGSAndComplete() throws {
        let run = try Self.run(["decode", "--json"], stdin: try Fixtures.text("us-ctrl-gs.hex"))
        #expect(run.status == 0)
        #expect(run.stdout.contains(#""complete":true"#))
        #expect(run.stdout.contains(#""text":"]d201095060001343521ABC123\u001d1721123""#))
        #expect(run.stdout.split(separator: "\n").count == 1)
    }

    @Test func decodeLayoutOptionOverridesTheCaptureHeader() throws {
        // The US capture read as German: the key at US ']' types '+', and the Ctrl chord there is still GS.
        let run = try Self.run(["decode", "--layout", "de"], stdin: try Fixtures.text("us-ctrl-gs.hex"))
        #expect(run.stdout == "+d201095060001343521ABC123{GS}1721123\n")
    }

    @Test func decodeMarksAnUnterminatedScanIncomplete() throws {
        let run = try Self.run(["decode"], stdin: "0000040000000000\n0000000000000000\n")
        #expect(run.stdout == "(incomplete) a\n")
    }

    @Test func decodeRejectsAnUnknownLayout() throws {
        let run = try Self.run(["decode", "--layout", "dvorak"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--layout dvorak"))
    }

    @Test func listenPrintsReplayedScansOnTheirLaneParsed() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: file) }
        try "]d2010950600013435221ABC123{GS}17211231\r\n".write(to: file, atomically: true, encoding: .utf8)
        let run = try Self.run(["listen", "--device", "replay:\(file.path),lane=7,role=redemption"])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("scan lane=7 complete=true symbology=- device=replay:\(file.path) text=]d2010950600013435221ABC123{GS}17211231\n  valid gs1"))
    }

    @Test func listenReadsStdinAndStopsAtCount() throws {
        let run = try Self.run(["listen", "--json", "--count", "1"], stdin: "A{GS}B\nC\n")
        #expect(run.stdout.split(separator: "\n").count == 1)
        #expect(run.stdout.contains(#""text":"A\u001dB""#) && run.stdout.contains(#""lane":"default""#))
    }

    @Test func listenRejectsABadDeviceSpecWithTheReason() throws {
        let run = try Self.run(["listen", "--device", "usb:0c2e:0b61,role=cashier"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("role 'cashier' is not one of"))
    }
}
