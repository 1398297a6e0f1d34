import Foundation
import StoregateTesting
import Testing

/// The real binary end to end: exit statuses and `--json` output.
@Suite struct OperationCommandTests {
    @Test func redeemTwiceExitsZeroThenOneWithMachineResults() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.file("ledger.sqlite")
        #expect(try StoregateCommand.run(["ledger", "init", "--db", db, "--store-id", "S1", "--region", "EU-DE"]).status == 0)
        let csv = directory.file("batch.csv")
        try "code,campaign\r\n01/09506000134352/21/CLI1,\r\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let imported = try StoregateCommand.run(["import", "--db", db, "--json", csv])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("\"imported\":1"))

        let first = try StoregateCommand.run(["redeem", "--db", db, "--json", "01/09506000134352/21/CLI1"])
        #expect(first.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any]
        #expect(object?["result"] as? String == "accepted")
        #expect(object?["seq"] as? Int == 1)
        #expect((object?["event_id"] as? String)?.count == 36)
        let second = try StoregateCommand.run(["redeem", "--db", db, "--json", "01/09506000134352/21/CLI1"])
        #expect(second.status == 1)
        #expect(second.stdout.contains("\"result\":\"already_redeemed\""))
        let check = try StoregateCommand.run(["ledger", "check", "--db", db])
        #expect(check.status == 0, "\(check.stdout)")
    }

    @Test func missingLedgerAndBadRoleExitTwo() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let missing = try StoregateCommand.run(["verify", "--db", directory.file("none.sqlite"), "X"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("ledger init"))
        let badRole = try StoregateCommand.run(["verify", "--db", directory.file("none.sqlite"), "--role", "boss", "X"])
        #expect(badRole.status == 2)
    }
}

@Suite struct RawScanCommandTests {
    @Test func rawGS1ScanWithGSSpelledOutIsRedeemedUnderItsCanonicalID() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.file("ledger.sqlite")
        _ = try StoregateCommand.run(["ledger", "init", "--db", db, "--store-id", "S1", "--region", "EU-DE"])
        let csv = directory.file("batch.csv")
        try "code\n01/09506000134352/21/RAW9\n".write(toFile: csv, atomically: true, encoding: .utf8)
        #expect(try StoregateCommand.run(["import", "--db", db, csv]).status == 0)
        let redeemed = try StoregateCommand.run(["redeem", "--db", db, "--json", "]d2010950600013435221RAW9{GS}17271231"])
        #expect(redeemed.status == 0, "\(redeemed.stdout) \(redeemed.stderr)")
        #expect(redeemed.stdout.contains("\"id\":\"01/09506000134352/21/RAW9\""))
        let malformed = try StoregateCommand.run(["redeem", "--db", db, "--json", "]d201095060001343521"])
        #expect(malformed.status == 1)
        #expect(malformed.stdout.contains("\"result\":\"malformed\""))
    }
}

/// `storegate ledger keys`.
@Suite struct LedgerKeysCommandTests {
    /// One base64url key in 64 starts with '-', which reads as an option: after `--` it is the key, and the help says so.
    @Test func aKeyThatStartsWithADashIsAddedAfterDoubleDash() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.file("ledger.sqlite")
        #expect(try StoregateCommand.run(["ledger", "init", "--db", db, "--store-id", "S1", "--region", "EU-DE"]).status == 0)
        // 0xF8 begins with the six bits 111110: base64url's '-'.
        let key = Data([0xF8] + Array(repeating: 0x11, count: 31)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        #expect(key.hasPrefix("-"))
        let without = try StoregateCommand.run(["ledger", "keys", "add", "--db", db, "K1", key])
        #expect(without.status != 0)
        let added = try StoregateCommand.run(["ledger", "keys", "add", "--db", db, "K1", "--", key])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(try StoregateCommand.run(["ledger", "keys", "list", "--db", db]).stdout.contains("K1 \(key) added"))
        #expect(try StoregateCommand.run(["ledger", "keys", "add", "--help"]).stdout.contains("goes after --"))
    }
}
