import Foundation
import StoregateCore
import StoregateLedger
import StoregateTesting
import Testing

@Suite struct ImportTests {
    func write(_ text: String, _ name: String, in fixture: LedgerFixture) throws -> String {
        let path = fixture.directory.file(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func csvRowsAreImportedAndBadRowsReportedByLineAndSkipped() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let path = try self.write("""
            code,product,lot,expiry,parent,campaign,regions
            01/09506000134352/21/A1,Cola 0.5,L1,2027-12-31,,summer,EU-DE;S1
            01/09506000134353/21/A2,,,,,,
            01/09506000134352/21/A3,,,271231,,,
            01/09506000134352/21/A4,,,2027-13-01,,,
            01/09506000134352/21/A5,,,,01/09506000134352,,
            01/09506000134352
            01/09506000134352/21/A1,,,,,,
            01/09506000134352/21/A6,,,270200,,,

            """, "batch.csv", in: fixture)
        let report = try fixture.ledger.importCodes(from: path)
        #expect(report.rowsRead == 8)
        #expect(report.imported == 3)
        #expect(report.duplicates == 1)
        #expect(report.duplicateRows.map(\.line) == [8])
        #expect(report.rejected == 4)
        #expect(report.rejections.map(\.line) == [3, 5, 6, 7])
        #expect(report.rejections[0].reason.contains("check digit"))
        #expect(report.rejections[1].reason.contains("2027-13-01"))
        #expect(report.rejections[2].reason.contains("product code"))
        #expect(report.rejections[3].reason.contains("fields"))
        let a1 = try fixture.ledger.record(codeID: "01/09506000134352/21/A1")
        #expect(a1?.product == "Cola 0.5")
        #expect(a1?.lot == "L1")
        #expect(a1?.expiry == CivilDate(year: 2027, month: 12, day: 31))
        #expect(a1?.campaign == "summer")
        #expect(a1?.regions == ["EU-DE", "S1"])
        #expect(try fixture.ledger.record(codeID: "01/09506000134352/21/A3")?.expiry == CivilDate(year: 2027, month: 12, day: 31))
        #expect(try fixture.ledger.record(codeID: "01/09506000134352/21/A6")?.expiry == CivilDate(year: 2027, month: 2, day: 28))
        #expect(try fixture.ledger.record(codeID: "01/09506000134352/21/A4") == nil)
        #expect(try fixture.ledger.record(codeID: "01/09506000134353/21/A2") == nil)
    }

    @Test func quotedFieldsAndCRLFAreRead() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let path = try self.write(
            "code,product\r\n\"01/09506000134352/21/Q1\",\"Cola, \"\"zero\"\"\r\n1.5 l\"\r\nbrand:acme:7GQ2XK9P4M,plain\r\n",
            "quoted.csv", in: fixture)
        let report = try fixture.ledger.importCodes(from: path)
        #expect(report.imported == 2, "\(report.rejections)")
        #expect(try fixture.ledger.record(codeID: "01/09506000134352/21/Q1")?.product == "Cola, \"zero\"\r\n1.5 l")
        #expect(try fixture.ledger.record(codeID: "brand:acme:7GQ2XK9P4M")?.product == "plain")
    }

    @Test func jsonLinesRowsAreImportedWithTheSameKeys() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let path = try self.write("""
            {"code": "00/\(GTIN.sscc(5))"}
            {"code": "01/09506000134352/21/J1", "parent": "00/\(GTIN.sscc(5))", "regions": ["EU-DE", "EU-AT"]}

            not json
            {"code": 12}
            {"code": "01/09506000134352/21/J2", "expiry": "2028-01-31"}
            """, "batch.jsonl", in: fixture)
        let report = try fixture.ledger.importCodes(from: path, options: ImportOptions(format: .jsonl))
        #expect(report.imported == 3)
        #expect(report.rejections.map(\.line) == [4, 5])
        #expect(try fixture.ledger.record(codeID: "01/09506000134352/21/J1")?.parent == "00/\(GTIN.sscc(5))")
        #expect(try fixture.ledger.record(codeID: "01/09506000134352/21/J1")?.regions == ["EU-DE", "EU-AT"])
        #expect(try fixture.ledger.record(codeID: "00/\(GTIN.sscc(5))")?.identityKind == .logisticUnit)
    }

    @Test func strictImportWritesNothingWhenAnyRowIsBad() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let path = try self.write("code\n01/09506000134352/21/S1\nnot-a-code\n01/09506000134352/21/S2\n", "strict.csv", in: fixture)
        let report = try fixture.ledger.importCodes(from: path, options: ImportOptions(strict: true))
        #expect(report.aborted)
        #expect(report.imported == 0)
        #expect(report.rejections.map(\.line) == [3])
        #expect(try fixture.ledger.stats().codesByState.isEmpty)
    }

    @Test func missingCodeColumnIsAClearError() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let path = try self.write("id,product\n01/09506000134352/21/S1,x\n", "nocode.csv", in: fixture)
        let error = #expect(throws: LedgerError.self) { try fixture.ledger.importCodes(from: path) }
        #expect(error?.code == .importFailed)
        #expect(error?.message.contains("no `code` column") == true)
        #expect(throws: LedgerError.self) { try fixture.ledger.importCodes(from: fixture.directory.file("absent.csv")) }
    }

    @Test func batchesSmallerThanTheFileStillImportEverything() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let rows = (0..<1000).map { "01/09506000134352/21/B\($0)" }.joined(separator: "\n")
        let path = try self.write("code\n" + rows + "\n", "big.csv", in: fixture)
        let report = try fixture.ledger.importCodes(from: path, options: ImportOptions(batchSize: 128))
        #expect(report.imported == 1000)
        #expect(try fixture.ledger.stats().codesByState[.issued] == 1000)
    }
}

@Suite struct ImportRawScanTests {
    @Test func rawScansAreImportedUnderTheParsersCanonicalID() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let path = fixture.directory.file("raw.csv")
        try "code\n]d2010950600013435221RAW1\u{1D}17271231\nhttps://id.example.com/01/09506000134352/21/DL1\n01/09506000134352/21/A%2FB\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let report = try fixture.ledger.importCodes(from: path)
        #expect(report.imported == 3, "\(report.rejections)")
        #expect(try fixture.ledger.record(codeID: "01/09506000134352/21/RAW1")?.expiry == CivilDate(year: 2027, month: 12, day: 31))
        #expect(try fixture.ledger.record(codeID: "01/09506000134352/21/DL1") != nil)
        #expect(try fixture.ledger.record(codeID: "01/09506000134352/21/A%2FB") != nil)
    }

    /// The import's fast path must give exactly the parser's canonical id, or leave the row to the parser.
    @Test(arguments: [
        "01/09506000134352/21/ABC123", "01/09506000134352/21/a.b-c_d", "00/\(GTIN.sscc(42))",
        "01/09506000134352/21/12345678901234567890", "01/09506000134353/21/X", "01/09506000134352/21/A%2FB",
        "01/09506000134352/21/A/B", "01/09506000134352/21/", "01/09506000134352", "00/123",
        "01/09506000134352/235/TPX1", "brand:acme:7GQ2XK9P4M", "01/09506000134352/21/123456789012345678901",
    ])
    func fastPathAgreesWithTheParser(id: String) throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let path = fixture.directory.file("one.csv")
        try "code\n\(id)\n".write(toFile: path, atomically: true, encoding: .utf8)
        let fast = try fixture.ledger.importCodes(from: path)
        let parsed = CodeParser().parse(id)
        let parserAccepts = parsed.valid && parsed.id != nil
            && (parsed.identityKind == .unit || parsed.identityKind == .logisticUnit)
        #expect((fast.imported == 1) == parserAccepts, "\(id): import \(fast.imported), parser \(parsed.errors)")
        if parserAccepts, let canonical = parsed.id {
            #expect(try fixture.ledger.record(codeID: canonical)?.identityKind == parsed.identityKind)
        }
        if let fastCode = CanonicalIDFastPath.parsedCode(id) {
            #expect(parsed.valid)
            #expect(fastCode.id == parsed.id)
            #expect(fastCode.identityKind == parsed.identityKind)
            #expect(fastCode.kind == parsed.kind)
            #expect(fastCode.gtin == parsed.gtin)
            #expect(fastCode.serial == parsed.serial)
            #expect(fastCode.expiry == parsed.expiry && fastCode.signature == nil && parsed.signature == nil)
        }
    }
}

@Suite struct RegisterTests {
    @Test func downlinkBatchRegistersCodesAndKeepsExistingOnes() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        try fixture.register(ids: ["01/09506000134352/21/OLD"])
        try fixture.apply(.sell, .unit(serial: "OLD"))
        let report = try fixture.ledger.register([
            CodeRegistration(code: "01/09506000134352/21/NEW", expiry: CivilDate(year: 2028, month: 1, day: 31), regions: ["EU-DE"]),
            CodeRegistration(code: "01/09506000134352/21/OLD"),
            CodeRegistration(code: "garbage"),
        ])
        #expect(report.imported == 1)
        #expect(report.duplicates == 1)
        #expect(report.rejections.map(\.line) == [2])
        #expect(try fixture.ledger.record(codeID: "01/09506000134352/21/OLD")?.state == .sold)
        #expect(try fixture.ledger.record(codeID: "01/09506000134352/21/NEW")?.regions == ["EU-DE"])
    }
}
