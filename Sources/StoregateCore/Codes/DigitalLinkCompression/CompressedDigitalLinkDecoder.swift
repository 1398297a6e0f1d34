/// Decodes the base64url path segment of a compressed GS1 Digital Link into AIs and values (GS1 Digital Link:
/// Compression). Values are not validated here; the caller hands them to the same checks as any other form.
///
/// Every failure is one ``ParseIssue``: `dl_bad_compression` for data that is not a well-formed bit stream
/// (bad character, truncated, reserved encoding, stray bits), `unknown_ai` for an AI GS1 does not define.
enum CompressedDigitalLinkDecoder {
    /// The AIs in the order they were encoded; nil after appending the reason to `issues`.
    static func decode(_ segment: some Collection<UInt8>, into issues: inout [ParseIssue]) -> [GS1RawElement]? {
        do {
            return try self.decode(segment)
        } catch {
            issues.append(error.issue)
            return nil
        }
    }

    struct Failure: Error {
        var issue: ParseIssue
    }

    private static func decode(_ segment: some Collection<UInt8>) throws(Failure) -> [GS1RawElement] {
        var reader: CompressedBitReader
        do {
            reader = try CompressedBitReader(base64url: segment)
        } catch {
            let hint = error.byte == UInt8(ascii: "=") || error.byte == UInt8(ascii: "+")
                ? " (compressed Digital Link uses base64url without padding: '-' and '_', never '+', '/' or '=')" : ""
            throw self.failure(
                "character \(error.offset + 1) of the compressed segment, \(ASCII.quoted([error.byte])), is not base64url\(hint)")
        }
        var elements: [GS1RawElement] = []
        // Fewer than 9 bits cannot hold another entry (an AI alone takes 8): what is left is padding.
        while reader.remaining > 8 {
            let start = reader.position
            guard let first = reader.read(4).map(UInt8.init), let second = reader.read(4).map(UInt8.init) else {
                throw self.truncated(at: start, reading: "an AI")
            }
            if first <= 9 && second <= 9 {
                let ai = try self.readAI(first, second, reader: &reader, start: start)
                elements.append(try self.readValue(ai: ai, reader: &reader))
            } else if first == CompressionFormat.nonGS1KeyNibble {
                try self.skipNonGS1Pair(second, reader: &reader, start: start)
            } else if let sequence = CompressionFormat.optimisation(first << 4 | second) {
                for ai in sequence {
                    guard let definition = GS1ApplicationIdentifier.definition(for: ai) else {
                        throw self.failure("optimisation code \(ASCII.hex(first << 4 | second)) names AI \(ai), which the AI table lacks")
                    }
                    elements.append(try self.readValue(ai: (ai, definition), reader: &reader))
                }
            } else {
                throw self.failure(
                    "bits \(start)–\(start + 7) hold \(ASCII.hex(first << 4 | second)), which is neither an AI nor an optimisation code of the standard")
            }
        }
        guard reader.restIsZero() else {
            throw self.failure(
                "the compressed data ends in \(reader.remaining) bits that are neither an element nor zero padding (truncated or altered)")
        }
        guard !elements.isEmpty else {
            throw self.failure("the compressed segment holds no AI")
        }
        return elements
    }

    /// The rest of an AI whose first two digits are read: the prefix fixes the length (2, 3 or 4 digits).
    private static func readAI(
        _ first: UInt8, _ second: UInt8, reader: inout CompressedBitReader, start: Int
    ) throws(Failure) -> (String, GS1ApplicationIdentifier) {
        var digits = [first, second]
        let length = CompressionFormat.aiLengthByPrefix[Int(first) * 10 + Int(second)]
        guard length > 0 else {
            throw Failure(issue: ParseIssue(
                .unknownAI, ai: self.text(digits),
                "compressed Digital Link: bits \(start)–\(start + 7) start an AI with \(self.text(digits)), which no GS1 AI starts with"))
        }
        while digits.count < length {
            guard let digit = reader.read(4).map(UInt8.init) else { throw self.truncated(at: start, reading: "an AI") }
            guard digit <= 9 else {
                throw self.failure("the AI starting \(self.text(digits)) at bit \(start) continues with the nibble \(ASCII.hex(digit)), not a digit")
            }
            digits.append(digit)
        }
        let ai = self.text(digits)
        guard let definition = GS1ApplicationIdentifier.definition(for: ai) else {
            throw Failure(issue: ParseIssue(
                .unknownAI, ai: ai, "compressed Digital Link: bits \(start)–\(reader.position - 1) hold AI \(ai), which is not a GS1 application identifier"))
        }
        return (ai, definition)
    }

    private static func readValue(
        ai: (String, GS1ApplicationIdentifier), reader: inout CompressedBitReader
    ) throws(Failure) -> GS1RawElement {
        let (name, definition) = ai
        var value: [UInt8] = []
        for field in CompressedField.fields(of: definition) {
            let start = reader.position
            switch field {
            case .fixedNumeric(let digits):
                value += try self.readNumber(digits: digits, ai: name, reader: &reader, start: start)
            case .variableNumeric(let maximum):
                let digits = try self.readLength(maximum: maximum, ai: name, reader: &reader)
                value += try self.readNumber(digits: digits, ai: name, reader: &reader, start: start)
            case .fixedText(let characters):
                let encoding = try self.readEncoding(ai: name, reader: &reader)
                value += try self.readText(characters, encoding: encoding, ai: name, reader: &reader)
            case .variableText(let maximum):
                let encoding = try self.readEncoding(ai: name, reader: &reader)
                let characters = try self.readLength(maximum: maximum, ai: name, reader: &reader)
                value += try self.readText(characters, encoding: encoding, ai: name, reader: &reader)
            }
        }
        return GS1RawElement(ai: name, definition: definition, value: value)
    }

    private static func readLength(maximum: Int, ai: String, reader: inout CompressedBitReader) throws(Failure) -> Int {
        let start = reader.position
        guard let length = reader.read(CompressionFormat.lengthBits(maximum: maximum)) else {
            throw self.truncated(at: start, reading: "the length of AI \(ai)")
        }
        return Int(length)
    }

    private static func readNumber(
        digits: Int, ai: String?, reader: inout CompressedBitReader, start: Int
    ) throws(Failure) -> [UInt8] {
        let width = CompressionFormat.valueBits(digits: digits)
        guard width <= reader.remaining else { throw self.truncated(at: start, reading: "the value of \(self.label(ai))") }
        guard let number = reader.readDecimal(width: width, digits: digits) else {
            throw Failure(issue: ParseIssue(
                .digitalLinkBadCompression, ai: ai,
                "compressed Digital Link: the value of \(self.label(ai)) at bit \(start) is a number of more than \(digits) digits"))
        }
        return number
    }

    private static func readEncoding(ai: String?, reader: inout CompressedBitReader) throws(Failure) -> CompressionFormat.ValueEncoding {
        let start = reader.position
        guard let raw = reader.read(3) else { throw self.truncated(at: start, reading: "the encoding of \(self.label(ai))") }
        guard let encoding = CompressionFormat.ValueEncoding(rawValue: UInt8(raw)) else {
            throw Failure(issue: ParseIssue(
                .digitalLinkBadCompression, ai: ai,
                "compressed Digital Link: \(self.label(ai)) at bit \(start) uses encoding \(raw), which the standard reserves (0–4 are defined)"))
        }
        return encoding
    }

    private static func readText(
        _ characters: Int, encoding: CompressionFormat.ValueEncoding, ai: String?, reader: inout CompressedBitReader
    ) throws(Failure) -> [UInt8] {
        let start = reader.position
        guard let bitsPerCharacter = encoding.bitsPerCharacter else {
            return try self.readNumber(digits: characters, ai: ai, reader: &reader, start: start)
        }
        guard characters * bitsPerCharacter <= reader.remaining else {
            throw self.truncated(at: start, reading: "the value of \(self.label(ai))")
        }
        var text: [UInt8] = []
        text.reserveCapacity(characters)
        for _ in 0..<characters {
            // Cannot fail: the width was checked above.
            let index = Int(reader.read(bitsPerCharacter) ?? 0)
            switch encoding {
            case .lowerHex: text.append(ASCII.lowercased(CompressionFormat.ValueEncoding.hexAlphabet[index]))
            case .upperHex: text.append(CompressionFormat.ValueEncoding.hexAlphabet[index])
            case .base64url: text.append(CompressionFormat.ValueEncoding.base64urlAlphabet[index])
            case .ascii, .numeric: text.append(UInt8(index))
            }
        }
        return text
    }

    /// A non-GS1 key=value pair (`F`, a 7-bit key length whose top 4 bits are the nibble already read, the key in
    /// base64url, then an encoded value with a 7-bit length). Storegate ignores such pairs, as it ignores non-AI
    /// query parameters, but must step over them to reach the AIs after.
    private static func skipNonGS1Pair(_ highBits: UInt8, reader: inout CompressedBitReader, start: Int) throws(Failure) {
        guard let lowBits = reader.read(3) else { throw self.truncated(at: start, reading: "a non-GS1 key") }
        let keyLength = Int(highBits) << 3 | Int(lowBits)
        for _ in 0..<keyLength where reader.read(6) == nil {
            throw self.truncated(at: start, reading: "a non-GS1 key")
        }
        let encoding = try self.readEncoding(ai: nil, reader: &reader)
        guard let valueLength = reader.read(CompressionFormat.nonGS1LengthBits) else {
            throw self.truncated(at: start, reading: "a non-GS1 value")
        }
        _ = try self.readText(Int(valueLength), encoding: encoding, ai: nil, reader: &reader)
    }

    /// `AI 10`, or the non-GS1 pair's value.
    private static func label(_ ai: String?) -> String {
        ai.map { "AI \($0)" } ?? "a non-GS1 key=value pair"
    }

    private static func text(_ digits: [UInt8]) -> String {
        ASCII.string(digits.map { $0 + UInt8(ascii: "0") })
    }

    private static func failure(_ message: String) -> Failure {
        Failure(issue: ParseIssue(.digitalLinkBadCompression, "compressed Digital Link: \(message)"))
    }

    private static func truncated(at bit: Int, reading what: String) -> Failure {
        self.failure("the data ends inside \(what) (entry starting at bit \(bit)); the code is truncated or altered")
    }
}
