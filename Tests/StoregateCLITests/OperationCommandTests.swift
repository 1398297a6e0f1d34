import Foundation
import StoregateTesting
import Testing

/// The real binary end to end: exit statuses and `--json` output.
@Suite struct OperationCommandTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], stdin: String? = nil) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try StoregateBinary.path())
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                   stderr: String(decoding: stderrData, as: UTF8.self))
    }

    @Test func redeemTwiceExitsZeroThenOneWithMachineResults() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.file("ledger.sqlite")
        #expect(try Self.run(["ledger", "init", "--db", db, "--store-id", "S1", "--region", "EU-DE"]).status == 0)
        let csv = directory.file("batch.csv")
        try "code,campaign\r\n01/09506000134352/21/CLI1,\r\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let imported = try Self.run(["import", "--db", db, "--json", csv])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("\"imported\":1"))

        let first = try Self.run(["redeem", "--db", db, "--json", "01/09506000134352/21/CLI1"])
        #expect(first.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any]
        #expect(object?["result"] as? String == "accepted")
        #expect(object?["seq"] as? Int == 1)
        #expect((object?["event_id"] as? String)?.count == 36)
        let second = try Self.run(["redeem", "--db", db, "--json", "01/09506000134352/21/CLI1"])
        #expect(second.status == 1)
        #expect(second.stdout.contains("\"result\":\"already_redeemed\""))
        let check = try Self.run(["ledger", "check", "--db", db])
        #expect(check.status == 0, "\(check.stdout)")
    }

    @Test func missingLedgerAndBadRoleExitTwo() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let missing = try Self.run(["verify", "--db", directory.file("none.sqlite"), "X"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("ledger init"))
        let badRole = try Self.run(["verify", "--db", directory.file("none.sqlite"), "--role", "boss", "X"])
        #expect(badRole.status == 2)
    }
}

@Suite struct RawScanCommandTests {
    @Test func rawGS1ScanWithGSSpelledOutIsRedeemedUnderItsCanonicalID() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.file("ledger.sqlite")
        _ = try OperationCommandTests.run(["ledger", "init", "--db", db, "--store-id", "S1", "--region", "EU-DE"])
        let csv = directory.file("batch.csv")
        try "code\n01/09506000134352/21/RAW9\n".write(toFile: csv, atomically: true, encoding: .utf8)
        #expect(try OperationCommandTests.run(["import", "--db", db, csv]).status == 0)
        let redeemed = try OperationCommandTests.run(["redeem", "--db", db, "--json", "]d2010950600013435221RAW9{GS}17271231"])
        #expect(redeemed.status == 0, "\(redeemed.stdout) \(redeemed.stderr)")
        #expect(redeemed.stdout.contains("\"id\":\"01/09506000134352/21/RAW9\""))
        let malformed = try OperationCommandTests.run(["redeem", "--db", db, "--json", "]d201095060001343521"])
        #expect(malformed.status == 1)
        #expect(malformed.stdout.contains("\"result\":\"malformed\""))
    }
}
