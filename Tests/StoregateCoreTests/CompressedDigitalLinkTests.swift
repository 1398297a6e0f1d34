import StoregateCore
import StoregateTesting
import Testing

/// Compressed GS1 Digital Link: the published examples decode to their AIs and parse exactly like their
/// uncompressed form, generated AI sets survive compression, and broken data is rejected with its reason.
@Suite struct CompressedDigitalLinkTests {
    struct Example: CustomTestStringConvertible, Sendable {
        var line: Int
        var uri: String
        var elements: [ElementString]
        var note: String

        var isPartial: Bool { self.note.hasPrefix("partial") }
        var testDescription: String { "line \(self.line): \(self.uri) \(self.note)" }
    }

    static func examples() throws -> [Example] {
        var examples: [Example] = []
        for (offset, line) in try FixtureFiles.text("compressed-digital-links.tsv").split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 2, let elements = Self.elements(hri: fields[1]) else {
                throw FixtureFiles.FixtureError(message: "compressed-digital-links.tsv line \(offset + 1) is not URI, (AI)value…")
            }
            examples.append(Example(line: offset + 1, uri: fields[0], elements: elements, note: fields.count > 2 ? fields[2] : ""))
        }
        return examples
    }

    /// `(01)…(10)…`; the fixture's values contain no parentheses.
    static func elements(hri: String) -> [ElementString]? {
        var elements: [ElementString] = []
        for part in hri.split(separator: "(").map(String.init) {
            let pieces = part.split(separator: ")", maxSplits: 1).map(String.init)
            guard pieces.count == 2 else { return nil }
            elements.append(ElementString(ai: pieces[0], value: pieces[1]))
        }
        return elements.isEmpty ? nil : elements
    }

    /// AIs sorted, so that codes whose AIs came in another order compare equal in everything else.
    static func sortedAIs(_ code: ParsedCode) -> ParsedCode {
        var code = code
        code.ais.sort { ($0.ai, $0.value) < ($1.ai, $1.value) }
        return code
    }

    let parser = CodeParser()

    @Test(arguments: try CompressedDigitalLinkTests.examples())
    func publishedExampleDecodesToItsAIs(_ example: Example) {
        let code = self.parser.parse(example.uri)
        #expect(code.kind == .digitalLink)
        #expect(Self.sortedAIs(code).ais == Self.sortedAIs(ParsedCode(kind: .digitalLink, ais: example.elements)).ais)
        #expect(!code.errors.contains { $0.code == "dl_bad_compression" }, "\(code.errors)")
    }

    /// Only codes with a Digital Link primary key have an uncompressed form (410–413, 415, 416 are not keys).
    @Test(arguments: try CompressedDigitalLinkTests.examples().filter { example in
        example.elements.contains { GS1ApplicationIdentifier.definition(for: $0.ai)?.digitalLinkQualifiers != nil }
    })
    func publishedExampleParsesLikeItsUncompressedForm(_ example: Example) {
        let uncompressed = GS1CodeWriter.digitalLink(host: "id.gs1.org", example.elements)
        #expect(Self.sortedAIs(self.parser.parse(example.uri)) == Self.sortedAIs(self.parser.parse(uncompressed)))
    }

    @Test(arguments: try CompressedDigitalLinkTests.examples().filter { !$0.isPartial })
    func encoderWritesThePublishedCompression(_ example: Example) {
        #expect(GS1CodeWriter.compressedDigitalLink(host: "id.gs1.org", example.elements, optimise: false) == example.uri)
    }

    @Test func compressedUnitHasTheIDOfItsUncompressedForm() {
        let code = self.parser.parse("https://id.gs1.org/AQnYUc1gmiCNV4JGQhcNT6K6c")
        #expect(code.valid, "\(code.errors)")
        #expect(code.id == "01/05412345000013/21/72292641703")
        #expect(code.identityKind == .unit)
        #expect(code.lot == "ABC123")
        // Primary key first, then its qualifiers in path order, as the uncompressed form lists them.
        #expect(code.ais.map(\.ai) == ["01", "10", "21"])
    }

    @Test func generatedAISetsRoundTripThroughCompression() {
        var sets = RandomAISets(generator: SeededGenerator(seed: 0x5EED_0C01))
        var valid = 0
        for _ in 0..<2_000 {
            let elements = sets.next()
            guard let compressed = GS1CodeWriter.compressedDigitalLink(host: "id.example.com", elements) else {
                Issue.record("could not compress \(elements)")
                continue
            }
            let code = self.parser.parse(compressed)
            let uncompressed = self.parser.parse(GS1CodeWriter.digitalLink(host: "id.example.com", elements))
            #expect(Self.sortedAIs(code) == Self.sortedAIs(uncompressed), "\(compressed) vs \(elements)")
            #expect(Self.sortedAIs(code).ais == Self.sortedAIs(ParsedCode(kind: .digitalLink, ais: elements)).ais, "\(compressed)")
            if code.valid { valid += 1 }
        }
        // Every set is valid except the GLN ones (a tenth: no GTIN or SSCC, so no identity); if more fail, the
        // comparison above proves little.
        #expect(valid > 1_700)
    }

    @Test func optimisationCodesShortenTheLinkAndDecodeTheSame() throws {
        let elements = [
            ElementString(ai: "01", value: "05412345000013"), ElementString(ai: "10", value: "ABC123"),
            ElementString(ai: "21", value: "72292641703"), ElementString(ai: "17", value: "271231"),
        ]
        let optimised = try #require(GS1CodeWriter.compressedDigitalLinkSegment(elements))
        let plain = try #require(GS1CodeWriter.compressedDigitalLinkSegment(elements, optimise: false))
        // 1A stands for 01, 10, 21, 17: one byte instead of four AIs' digits.
        #expect(optimised.hasPrefix("G"))
        #expect(optimised.count < plain.count)
        let fromOptimised = self.parser.parse("https://id.gs1.org/" + optimised)
        #expect(fromOptimised.valid, "\(fromOptimised.errors)")
        #expect(fromOptimised == self.parser.parse("https://id.gs1.org/" + plain))
    }

    @Test func encoderRefusesWhatTheFormatCannotHold() {
        #expect(GS1CodeWriter.compressedDigitalLinkSegment([ElementString(ai: "01", value: "0541234500001")]) == nil)
        #expect(GS1CodeWriter.compressedDigitalLinkSegment([ElementString(ai: "01", value: "0541234500001X")]) == nil)
        #expect(GS1CodeWriter.compressedDigitalLinkSegment([ElementString(ai: "999", value: "1")]) == nil)
        #expect(GS1CodeWriter.compressedDigitalLinkSegment([ElementString(ai: "21", value: "é")]) == nil)
        #expect(GS1CodeWriter.compressedDigitalLinkSegment([ElementString(ai: "10", value: String(repeating: "A", count: 21))]) == nil)
    }

    // MARK: - Broken data, each with its reason

    func errors(_ uri: String) -> [ParseIssue] {
        let code = self.parser.parse(uri)
        #expect(code.kind == .digitalLink)
        #expect(!code.valid && code.id == nil)
        return code.errors
    }

    @Test func truncatedDataIsRejectedAsTruncated() {
        // GTIN + lot + serial with the serial's last characters cut off.
        let errors = self.errors("https://id.gs1.org/AQnYUc1gmiCNV4JGQhcNT6")
        #expect(errors.map(\.code) == ["dl_bad_compression"])
        #expect(errors.first?.message.contains("truncated") == true, "\(errors)")
    }

    @Test func paddedOrStandardBase64IsRejectedAsNotBase64url() {
        for uri in ["https://id.gs1.org/AQnYUc1gmg==", "https://id.gs1.org/AQnYUc1+mg"] {
            let errors = self.errors(uri)
            #expect(errors.map(\.code) == ["dl_bad_compression"])
            #expect(errors.first?.message.contains("is not base64url") == true, "\(errors)")
            #expect(errors.first?.message.contains("never '+', '/' or '='") == true, "\(errors)")
        }
    }

    @Test func aiPrefixNoGS1AIStartsWithIsAnUnknownAI() {
        // 1, 9: no AI starts with 19.
        let errors = self.errors("https://id.gs1.org/" + BitString.base64url("0001 1001" + String(repeating: "0", count: 40)))
        #expect(errors.map(\.code) == ["unknown_ai"])
        #expect(errors.first?.ai == "19")
    }

    @Test func undefinedFourDigitAIIsAnUnknownAI() {
        // 3106: the prefix 31 announces four digits, but net weight in kg stops at 3105.
        let errors = self.errors("https://id.gs1.org/" + BitString.base64url("0011 0001 0000 0110" + String(repeating: "0", count: 40)))
        #expect(errors.map(\.code) == ["unknown_ai"])
        #expect(errors.first?.ai == "3106")
    }

    @Test func wrongCheckDigitAfterDecodingIsACheckDigitError() throws {
        let uri = try #require(GS1CodeWriter.compressedDigitalLink(host: "id.gs1.org", [ElementString(ai: "01", value: "05412345000014")]))
        let errors = self.errors(uri)
        #expect(errors.map(\.code) == ["check_digit"])
        #expect(errors.first?.ai == "01")
    }

    @Test func reservedEncodingIsRejected() {
        // AI 10, encoding 5 (reserved), length 1, then enough bits for a character.
        let errors = self.errors("https://id.gs1.org/" + BitString.base64url("0001 0000" + "101" + "00001" + String(repeating: "0", count: 40)))
        #expect(errors.map(\.code) == ["dl_bad_compression"])
        #expect(errors.first?.message.contains("encoding 5") == true, "\(errors)")
        #expect(errors.first?.ai == "10")
    }

    @Test func undefinedOptimisationCodeIsRejected() {
        let errors = self.errors("https://id.gs1.org/" + BitString.base64url("0100 1010" + String(repeating: "0", count: 40)))
        #expect(errors.map(\.code) == ["dl_bad_compression"])
        #expect(errors.first?.message.contains("4A") == true, "\(errors)")
    }

    @Test func nonZeroBitsAfterTheLastElementAreRejected() {
        // AQnYUc1gmg is GTIN 05412345000013; h sets the last of the five padding bits.
        #expect(self.parser.parse("https://id.gs1.org/AQnYUc1gmg").valid)
        let errors = self.errors("https://id.gs1.org/AQnYUc1gmh")
        #expect(errors.map(\.code) == ["dl_bad_compression"])
        #expect(errors.first?.message.contains("zero padding") == true, "\(errors)")
    }

    @Test func numberTooLargeForItsDigitsIsRejected() {
        // SSCC: 18 digits take 60 bits, which can hold 19-digit numbers.
        let errors = self.errors("https://id.gs1.org/" + BitString.base64url("0000 0000" + String(repeating: "1", count: 60)))
        #expect(errors.map(\.code) == ["dl_bad_compression"])
        #expect(errors.first?.message.contains("more than 18 digits") == true, "\(errors)")
    }

    @Test func nonGS1KeyValuePairIsSteppedOver() {
        // F, key length 3 ("abc"), base64url value "xy", then AI 01 and the GTIN 05412345000013 in 47 bits.
        let key = "1111" + "0000011" + BitString.sextets("abc")
        let value = "011" + "0000010" + BitString.sextets("xy")
        let gtin = "0000 0001" + BitString.binary(5_412_345_000_013, width: 47)
        let code = self.parser.parse("https://id.gs1.org/" + BitString.base64url(key + value + gtin))
        #expect(code.valid, "\(code.errors)")
        #expect(code.id == "01/05412345000013")
        #expect(code.ais == [ElementString(ai: "01", value: "05412345000013")])
    }

    @Test func compressedLinkKeepsItsQueryAttributes() {
        let code = self.parser.parse("https://id.gs1.org/AQnYUc1gmiCNV4JGQhcNT6K6c?17=271231&utm_source=x")
        #expect(code.valid, "\(code.errors)")
        #expect(code.expiry?.description == "2027-12-31")
    }
}

/// Bit strings for hand-made compressed data: `"0001 1001"` → base64url, spaces ignored, zero-padded.
enum BitString {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    static func base64url(_ bits: String) -> String {
        var digits = bits.filter { $0 == "0" || $0 == "1" }.map { $0 == "1" ? 1 : 0 }
        while digits.count % 6 != 0 { digits.append(0) }
        return String(stride(from: 0, to: digits.count, by: 6).map { start in
            Self.alphabet[digits[start..<start + 6].reduce(0) { $0 << 1 | $1 }]
        })
    }

    /// Each character's 6-bit index in the base64url alphabet.
    static func sextets(_ text: String) -> String {
        text.map { character in Self.binary(UInt64(Self.alphabet.firstIndex(of: character) ?? 0), width: 6) }.joined()
    }

    static func binary(_ value: UInt64, width: Int) -> String {
        let digits = String(value, radix: 2)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
