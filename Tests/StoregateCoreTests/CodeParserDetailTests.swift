import StoregateCore
import Testing

/// Behaviour the golden table cannot show: fields, messages, limits and options.
@Suite struct CodeParserDetailTests {
    let parser = CodeParser()

    @Test func elementStringFillsEveryField() {
        let code = self.parser.parse(ScanEscapes.bytes("]d201095060001343521727120010LOT 7{GS}21XYZ"))
        #expect(code.errors.map(\.code) == ["bad_character"])
        let valid = self.parser.parse(ScanEscapes.bytes("]d201095060001343521727120010LOT7{GS}21XYZ"))
        #expect(valid.valid)
        #expect(valid.symbology?.identifier == "]d2")
        #expect(valid.gtin == "09506000134352")
        #expect(valid.serial == "XYZ")
        #expect(valid.lot == "LOT7")
        #expect(valid.expiry == CivilDate(year: 2027, month: 12, day: 31))
        #expect(valid.ais.map(\.ai) == ["01", "17", "10", "21"])
        #expect(valid.identityKind == .unit)
    }

    @Test func dateErrorNamesTheAIAndTheProblem() {
        let code = self.parser.parse("010950600013435217271332")
        #expect(code.errors.first?.message == "AI 17: 271332 is not a date (month 13)")
        #expect(code.errors.first?.ai == "17")
    }

    @Test func lostSeparatorMessageTellsTheOperatorWhatToCheck() {
        let code = self.parser.parse("010950600013435210ABCDEFGHIJKLMNOPQRSTUVW21XYZ")
        let message = code.errors.first?.message ?? ""
        #expect(code.errors.map(\.code) == ["gs_missing"])
        #expect(message.contains("GS separator was probably lost"))
        #expect(message.contains("scanner"))
    }

    @Test func scansOverTheLimitAreRejectedBeforeParsing() {
        let long = [UInt8](repeating: UInt8(ascii: "1"), count: CodeParser.maximumScanLength + 1)
        #expect(self.parser.parse(long).errors.map(\.code) == ["too_long"])
        let empty = self.parser.parse([UInt8]())
        #expect(empty.errors.map(\.code) == ["empty"])
    }

    @Test func sameUnitHasOneIDInEveryForm() {
        let forms = [
            "]d201095060001343521727123110ABC\u{1D}21A/B",
            "(01)09506000134352(17)271231(10)ABC(21)A/B",
            "https://example.org/01/09506000134352/10/ABC/21/A%2FB?17=271231",
            "01/09506000134352/21/A%2FB",
        ]
        let ids = Set(forms.map { self.parser.parse($0).id })
        #expect(ids == ["01/09506000134352/21/A%2FB"])
    }

    @Test func substituteCharacterIsOnlyASeparatorWhenConfigured() {
        let scan = "01095060001343521727123110ABC|21XYZ"
        #expect(CodeParser(gsSubstitute: UInt8(ascii: "|")).parse(scan).id == "01/09506000134352/21/XYZ")
        #expect(!self.parser.parse(scan).valid)
    }

    @Test func dayZeroMeansTheLastDayOfTheMonth() {
        #expect(self.parser.parse("010950600013435217280200").expiry == CivilDate(year: 2028, month: 2, day: 29))
        #expect(self.parser.parse("010950600013435217270200").expiry == CivilDate(year: 2027, month: 2, day: 28))
    }

    @Test func referenceYearPicksTheCenturyByGS1SlidingWindow() {
        let rules = GS1DateRules(referenceYear: 2026)
        #expect(rules.year(twoDigit: 76) == 2076)
        #expect(rules.year(twoDigit: 77) == 1977)
        #expect(rules.year(twoDigit: 0) == 2000)
        #expect(GS1DateRules(referenceYear: 2090).year(twoDigit: 10) == 2110)
        #expect(GS1DateRules().year(twoDigit: 99) == 2099)
    }

    @Test func signatureTailIsReadFromAIs91And92() {
        let code = self.parser.parse("010950600013435221ABC\u{1D}91K1\u{1D}92c2ln")
        #expect(code.signature == CodeSignature(keyID: "K1", signature: "c2ln"))
        let link = self.parser.parse("https://e.org/01/09506000134352/21/ABC?91=K1&92=c2ln")
        #expect(link.signature == CodeSignature(keyID: "K1", signature: "c2ln"))
    }

    @Test func checkDigitHelpers() {
        #expect(GS1CheckDigits.isValidMod10(Array("09506000134352".utf8)))
        #expect(!GS1CheckDigits.isValidMod10(Array("09506000134353".utf8)))
        #expect(GS1CheckDigits.alphaPair(forPayload: Array("1987654Ad4X4bL5ttr2310c".utf8)) == Array("2K".utf8))
    }

    @Test func percentEncodingRoundTrips() {
        let raw = Array("!\"%&'()*+,-./:;<=>?_AZaz09".utf8)
        let encoded = PercentEncoding.encode(raw)
        #expect(encoded.utf8.allSatisfy { $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "?") })
        #expect(PercentEncoding.decode(Array(encoded.utf8)) == raw)
        #expect(PercentEncoding.decode(Array("%G0".utf8)) == nil)
        #expect(PercentEncoding.decode(Array("%4".utf8)) == nil)
    }
}
