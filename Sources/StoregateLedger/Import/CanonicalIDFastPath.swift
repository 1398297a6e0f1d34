public import StoregateCore

/// The import's fast path for the two canonical id shapes HQ batches are made of, `01/<gtin14>/21/<serial>` and
/// `00/<sscc18>`, checked byte by byte without the scan parser.
///
/// It accepts only spellings the parser would give back unchanged: serials of `A–Z a–z 0–9 - . _` (characters
/// that are both GS1 character set 82 and RFC 3986 unreserved, so ``CanonicalID`` never percent-encodes them)
/// and valid check digits. Anything else — other serial characters, TPX, brand ids, raw scans — goes to
/// ``CodeParser``, the one authority on canonical ids; a test checks both agree.
public enum CanonicalIDFastPath {
    /// The parsed code for a plain canonical id (what ``CodeParser`` returns for it: id, identity, GTIN, serial),
    /// or nil when the parser must decide. Saves the parser's work on the redemption path for canonical ids.
    public static func parsedCode(_ text: String) -> ParsedCode? {
        var bytes = text
        return bytes.withUTF8 { utf8 -> ParsedCode? in
            // GTIN and serial are cut from the checked ASCII bytes: slicing the `String` (`dropFirst`, `prefix`)
            // walks it character by character and cost more than the rest of the fast path.
            switch Self.kind(of: utf8) {
            case .unit?:
                let gtin = String(decoding: utf8[3..<17], as: UTF8.self)
                let serial = String(decoding: utf8[21...], as: UTF8.self)
                return ParsedCode(kind: .gs1, id: text, identityKind: .unit, gtin: gtin, serial: serial,
                                  ais: [ElementString(ai: "01", value: gtin), ElementString(ai: "21", value: serial)])
            case .logisticUnit?:
                let sscc = String(decoding: utf8[3...], as: UTF8.self)
                return ParsedCode(kind: .gs1, id: text, identityKind: .logisticUnit, ais: [ElementString(ai: "00", value: sscc)])
            default:
                return nil
            }
        }
    }

    /// The id and kind, or nil when the parser must decide.
    static func classify(_ text: String) -> (id: String, kind: IdentityKind)? {
        var bytes = text
        return bytes.withUTF8(Self.kind(of:)).map { (text, $0) }
    }

    /// `.unit` or `.logisticUnit` for the two plain shapes, nil for anything else.
    private static func kind(of utf8: UnsafeBufferPointer<UInt8>) -> IdentityKind? {
        if utf8.count > 21, utf8.count <= 41, utf8.starts(with: "01/".utf8), utf8[17] == UInt8(ascii: "/"),
            utf8[18] == UInt8(ascii: "2"), utf8[19] == UInt8(ascii: "1"), utf8[20] == UInt8(ascii: "/"),
            Self.hasValidCheckDigit(utf8[3..<17]), utf8[21...].allSatisfy(Self.isPlainSerialCharacter)
        {
            return .unit
        }
        if utf8.count == 21, utf8.starts(with: "00/".utf8), Self.hasValidCheckDigit(utf8[3...]) {
            return .logisticUnit
        }
        return nil
    }

    private static func isPlainSerialCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"):
            return true
        default:
            return false
        }
    }

    /// All digits, the last being the GS1 mod-10 check digit of the others.
    private static func hasValidCheckDigit(_ digits: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard let last = digits.last, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return false }
        var sum = 0
        var weight = 3
        for digit in digits.dropLast().reversed() {
            sum += Int(digit - 48) * weight
            weight = weight == 3 ? 1 : 3
        }
        return (10 - sum % 10) % 10 == Int(last - 48)
    }
}
