import Foundation
import StoregateTesting
import Testing

/// `storegate parse` end to end: the ways a GS can be spelled, raw stdin, exit statuses and the JSON contract.
@Suite struct ParseCommandTests {
    static let expectedID = "01/09506000134352/21/XYZ"

    @Test(arguments: ["{GS}", "<GS>", "\\x1d", "\\x1D"])
    func everyGSSpellingOnTheCommandLineIsASeparator(gs: String) throws {
        let result = try StoregateCommand.run(["parse", "--json", "]d2010950600013435210ABC\(gs)21XYZ"])
        #expect(result.status == 0, "\(result.stdout)")
        let json = try #require(result.json)
        #expect(json["id"] as? String == Self.expectedID)
        #expect(json["lot"] as? String == "ABC")
        #expect(json["kind"] as? String == "gs1")
        #expect(json["symbology"] as? String == "]d2")
        #expect(json["valid"] as? Bool == true)
        #expect((json["errors"] as? [Any])?.isEmpty == true)
    }

    @Test func rawBytesOnStdinWithARealGSAndATrailingNewline() throws {
        var bytes = Array("]d2010950600013435210ABC".utf8)
        bytes.append(0x1D)
        bytes += Array("21XYZ\r\n".utf8)
        let result = try StoregateCommand.run(["parse", "--json"], stdin: Data(bytes))
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        #expect(result.json?["id"] as? String == Self.expectedID)
    }

    @Test func theSameUnitAsDigitalLinkHasTheSameID() throws {
        let result = try StoregateCommand.run(["parse", "--json", "https://brand.example/01/09506000134352/21/XYZ?10=ABC"])
        #expect(result.status == 0)
        #expect(result.json?["kind"] as? String == "digital_link")
        #expect(result.json?["id"] as? String == Self.expectedID)
    }

    @Test func anInvalidScanExitsOneWithMachineCodesNamingTheAI() throws {
        // Check digit of the GTIN is wrong (…352 → …353).
        let result = try StoregateCommand.run(["parse", "--json", "]d20109506000134353{GS}21XYZ"])
        #expect(result.status == 1)
        let json = try #require(result.json)
        #expect(json["valid"] as? Bool == false)
        #expect(json["id"] is NSNull)
        let errors = try #require(json["errors"] as? [[String: Any]])
        #expect(errors.contains { $0["code"] as? String == "check_digit" && $0["ai"] as? String == "01" })
    }

    @Test func controlBytesOnStdinAreRejectedNotCrashed() throws {
        let result = try StoregateCommand.run(["parse"], stdin: Data([0x00, 0xFF, 0x1B, 0x5B, 0x41]))
        #expect(result.status == 1)
        #expect(result.stdout.contains("INVALID"))
    }

    @Test func aRetailBarcodeIsAProductNeverAUnit() throws {
        let result = try StoregateCommand.run(["parse", "--json", "4006381333931"])
        #expect(result.status == 0)
        #expect(result.json?["kind"] as? String == "retail")
        #expect(result.json?["identity"] as? String == "product")
    }

    @Test func unknownOptionIsAUsageErrorWithExitTwo() throws {
        let result = try StoregateCommand.run(["parse", "--no-such-option", "x"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--no-such-option"))
    }

    @Test func anIssuedSignedCodeParsesWithItsKeyID() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let keygen = try StoregateCommand.run(["codes", "keygen", "--key-id", "k7", "--out", directory.path])
        #expect(keygen.status == 0, "\(keygen.stderr)")
        let issued = try StoregateCommand.run([
            "codes", "issue", "--key", directory.file("k7.key"), "--key-id", "k7", "--gtin", "09506000134352",
            "--count", "2", "--serial-prefix", "T", "--format", "gs1",
        ])
        #expect(issued.status == 0, "\(issued.stderr)")
        let lines = issued.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        let parsed = try StoregateCommand.run(["parse", "--json", "]d2" + lines[1]])
        #expect(parsed.status == 0, "\(parsed.stdout)")
        #expect(parsed.json?["id"] as? String == "01/09506000134352/21/T2")
        #expect(parsed.json?["signature"] as? String == "k7")
    }
}
