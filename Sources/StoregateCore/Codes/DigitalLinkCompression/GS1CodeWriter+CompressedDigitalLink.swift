extension GS1CodeWriter {
    /// `https://<host>/<compressed>`: a fully compressed GS1 Digital Link (GS1 Digital Link: Compression), the
    /// same bits GS1's reference encoder writes. Nil when an element cannot be written: an AI GS1 does not define,
    /// a value that does not fit its AI's components, or a character outside 7-bit ASCII.
    ///
    /// `optimise: false` leaves out the optimisation codes, as GS1's published examples do.
    public static func compressedDigitalLink(host: String, _ elements: [ElementString], optimise: Bool = true) -> String? {
        self.compressedDigitalLinkSegment(elements, optimise: optimise).map { "https://\(host)/\($0)" }
    }

    /// The base64url path segment of ``compressedDigitalLink(host:_:)``.
    ///
    /// Like the reference encoder: the AIs are sorted, the optimisation code covering the most AI digits is taken
    /// while one applies, its AIs are written first in the code's order, then the remaining AIs.
    public static func compressedDigitalLinkSegment(_ elements: [ElementString], optimise: Bool = true) -> String? {
        var remaining = elements.enumerated().sorted { ($0.element.ai, $0.offset) < ($1.element.ai, $1.offset) }
            .map(\.element)
        var writer = CompressedBitWriter()
        var groups: [(code: UInt8, elements: [ElementString])] = []
        while optimise, let best = self.bestOptimisation(for: remaining) {
            var group: [ElementString] = []
            for ai in best.ais {
                guard let index = remaining.firstIndex(where: { $0.ai == ai }) else { return nil }
                group.append(remaining.remove(at: index))
            }
            groups.append((best.code, group))
        }
        for (code, group) in groups {
            writer.write(UInt64(code), width: 8)
            for element in group {
                guard self.writeValue(element, into: &writer) else { return nil }
            }
        }
        for element in remaining {
            let digits = Array(element.ai.utf8)
            guard ASCII.isAllDigits(digits) else { return nil }
            for digit in digits {
                writer.write(UInt64(digit - UInt8(ascii: "0")), width: 4)
            }
            guard self.writeValue(element, into: &writer) else { return nil }
        }
        return writer.base64url()
    }

    /// The optimisation whose AIs are all present and that saves the most AI digits; the first in the standard's
    /// table on a tie.
    private static func bestOptimisation(for elements: [ElementString]) -> (code: UInt8, ais: [String])? {
        let present = Set(elements.map(\.ai))
        var best: (code: UInt8, ais: [String])?
        var bestDigits = 0
        for candidate in CompressionFormat.optimisations where candidate.ais.allSatisfy(present.contains) {
            let digits = candidate.ais.reduce(0) { $0 + $1.utf8.count }
            if digits > bestDigits {
                best = candidate
                bestDigits = digits
            }
        }
        return best
    }

    private static func writeValue(_ element: ElementString, into writer: inout CompressedBitWriter) -> Bool {
        guard let definition = GS1ApplicationIdentifier.definition(for: element.ai) else { return false }
        var rest = Array(element.value.utf8)[...]
        for field in CompressedField.fields(of: definition) {
            switch field {
            case .fixedNumeric(let digits):
                let part = rest.prefix(digits)
                rest = rest.dropFirst(digits)
                guard part.count == digits, ASCII.isAllDigits(part),
                    writer.writeDecimal(part, width: CompressionFormat.valueBits(digits: digits))
                else { return false }
            case .variableNumeric(let maximum):
                let part = rest.prefix(maximum)
                rest = rest.dropFirst(maximum)
                // An optional component left out is a length of 0.
                guard part.isEmpty || ASCII.isAllDigits(part) else { return false }
                writer.write(UInt64(part.count), width: CompressionFormat.lengthBits(maximum: maximum))
                guard writer.writeDecimal(part, width: CompressionFormat.valueBits(digits: part.count)) else { return false }
            case .fixedText(let characters):
                let part = rest.prefix(characters)
                rest = rest.dropFirst(characters)
                guard part.count == characters, let encoding = CompressionFormat.ValueEncoding.best(for: part) else { return false }
                writer.write(UInt64(encoding.rawValue), width: 3)
                guard self.writeText(part, encoding: encoding, into: &writer) else { return false }
            case .variableText(let maximum):
                let part = rest.prefix(maximum)
                rest = rest.dropFirst(maximum)
                guard let encoding = CompressionFormat.ValueEncoding.best(for: part) else { return false }
                writer.write(UInt64(encoding.rawValue), width: 3)
                writer.write(UInt64(part.count), width: CompressionFormat.lengthBits(maximum: maximum))
                guard self.writeText(part, encoding: encoding, into: &writer) else { return false }
            }
        }
        return rest.isEmpty
    }

    private static func writeText(
        _ text: ArraySlice<UInt8>, encoding: CompressionFormat.ValueEncoding, into writer: inout CompressedBitWriter
    ) -> Bool {
        switch encoding {
        case .numeric:
            return writer.writeDecimal(text, width: CompressionFormat.valueBits(digits: text.count))
        case .lowerHex, .upperHex:
            for byte in text {
                let upper = ASCII.isLower(byte) ? byte - 0x20 : byte
                guard let index = CompressionFormat.ValueEncoding.hexAlphabet.firstIndex(of: upper) else { return false }
                writer.write(UInt64(index), width: 4)
            }
        case .base64url:
            for byte in text {
                guard let index = CompressionFormat.ValueEncoding.base64urlIndex(byte) else { return false }
                writer.write(UInt64(index), width: 6)
            }
        case .ascii:
            for byte in text {
                guard byte < 0x80 else { return false }
                writer.write(UInt64(byte), width: 7)
            }
        }
        return true
    }
}
