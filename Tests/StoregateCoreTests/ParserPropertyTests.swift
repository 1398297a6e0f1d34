import StoregateTesting
import StoregateCore
import Testing

/// Properties over many generated inputs: the parser never crashes, and a result is either valid with an
/// identity or invalid with a reason; the same unit gets the same id in every form.
@Suite struct ParserPropertyTests {
    let parser = CodeParser(schemes: [GoldenCodeTests.brandScheme])

    /// Either valid with an id, or invalid with at least one error and no id.
    func expectConsistent(_ code: ParsedCode, _ input: [UInt8]) {
        let consistent = code.valid
            ? code.id != nil && code.identityKind != .none
            : !code.errors.isEmpty && code.id == nil && code.identityKind == .none
        #expect(consistent, "input \(input)")
    }

    @Test func randomBytesNeverCrashAndAlwaysGiveAReasonOrAnID() {
        var generator = SeededGenerator(seed: 0x5EED_0001)
        // Half uniform bytes, half from the characters parsers branch on, so deep paths are reached too.
        let interesting = Array("0123456789()/:?&=%]d2Q3E0{}|~AQgw_-".utf8) + [0x1D, 0x00, 0x0D, 0xC3]
        let prefixes = ["", "]d2", "01", "https://e.org/01/", "https://q.brand.cn/c/", "(01)", "01/", "brand:qb:", "https://e.org/AQ"]
            .map { Array($0.utf8) }
        var validCount = 0
        for round in 0..<100_000 {
            let length = Int.random(in: 0...48, using: &generator)
            var bytes = prefixes[round % prefixes.count]
            for _ in 0..<length {
                bytes.append(round % 2 == 0
                    ? UInt8.random(in: 0...255, using: &generator)
                    : interesting.randomElement(using: &generator) ?? 0)
            }
            let code = self.parser.parse(bytes)
            if code.valid { validCount += 1 }
            self.expectConsistent(code, bytes)
        }
        // Some random inputs must hit valid codes, or the generator is not exercising the parsers.
        #expect(validCount > 0)
    }

    @Test func mutatedValidCodesNeverCrashAndStayConsistent() {
        var units = RandomUnits(generator: SeededGenerator(seed: 0x5EED_0002))
        var generator = SeededGenerator(seed: 0x5EED_0003)
        var stillValid = 0
        for round in 0..<10_000 {
            let elements = [
                ElementString(ai: "01", value: units.gtin()),
                ElementString(ai: "17", value: units.expiry()),
                ElementString(ai: "10", value: units.text(maxLength: 20)),
                ElementString(ai: "21", value: units.text(maxLength: 20)),
            ]
            let forms = [
                GS1CodeWriter.elementString(elements),
                GS1CodeWriter.humanReadable(elements),
                GS1CodeWriter.digitalLink(host: "e.org", elements),
                GS1CodeWriter.compressedDigitalLink(host: "e.org", elements) ?? "",
            ]
            var bytes = Array(forms[round % forms.count].utf8)
            for _ in 0...Int.random(in: 0...2, using: &generator) {
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                let byte = UInt8.random(in: 0...255, using: &generator)
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: bytes[position] = byte
                case 1: bytes.insert(byte, at: position)
                case 2: if bytes.count > 1 { bytes.remove(at: position) }
                default: bytes.swapAt(position, Int.random(in: 0..<bytes.count, using: &generator))
                }
            }
            let code = self.parser.parse(bytes)
            if code.valid { stillValid += 1 }
            self.expectConsistent(code, bytes)
            #expect(self.parser.parse(bytes) == code)
        }
        #expect(stillValid < 10_000)
    }

    @Test func generatedUnitsHaveTheSameIDInEveryForm() {
        var units = RandomUnits(generator: SeededGenerator(seed: 0x5EED_0004))
        for _ in 0..<3_000 {
            let gtin = units.gtin()
            let serial = units.text(maxLength: 20)
            let lot = units.text(maxLength: 20)
            let expiry = units.expiry()
            let elements = [
                ElementString(ai: "01", value: gtin), ElementString(ai: "17", value: expiry),
                ElementString(ai: "10", value: lot), ElementString(ai: "21", value: serial),
            ]
            let expected = CanonicalID.unit(gtin: gtin, serial: serial)
            for scan in [
                "]d2" + GS1CodeWriter.elementString(elements),
                GS1CodeWriter.humanReadable(elements),
                GS1CodeWriter.digitalLink(host: "id.example.com", elements),
                GS1CodeWriter.compressedDigitalLink(host: "id.example.com", elements) ?? "",
                expected,
            ] {
                let code = self.parser.parse(scan)
                #expect(code.id == expected, "\(scan): \(code.errors)")
                #expect(code.serial == serial)
                #expect(code.identityKind == .unit)
            }
            let code = self.parser.parse(GS1CodeWriter.humanReadable(elements))
            #expect(code.lot == lot)
            #expect(code.gtin == gtin)
            #expect(code.expiry?.description.hasPrefix("20") == true)
        }
    }
}
