public import StoregateCore

/// Recognises canonical code ids (`01/<gtin14>/21/<serial>`, `00/<sscc18>`, `brand:<scheme>:<token>`) without
/// the full scan parser: the fast path for import batches HQ sends already canonical, and for canonical ids typed
/// or piped into the CLI.
public enum CanonicalID {
    /// The parsed code for a canonical id; nil when `text` is not one (then use the scan parser).
    public static func parsedCode(_ text: String) -> ParsedCode? {
        guard case .code(let id, let kind) = Self.classify(text) else { return nil }
        var code = ParsedCode(kind: id.hasPrefix("brand:") ? .brand : .gs1, id: id, identityKind: kind)
        if id.hasPrefix("01/") {
            code.gtin = String(id.dropFirst(3).prefix(14))
            if id.count > 21 { code.serial = String(id.dropFirst(21)) }
        }
        return code
    }

    /// GS1 AI encodable character set 82, the characters a serial (AI 21) may contain.
    private static let cset82: Set<UInt8> = Set(Array("!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz".utf8))

    enum Classification {
        case code(id: String, kind: IdentityKind)
        case notCanonical
        case invalid(String)
    }

    static func classify(_ text: String) -> Classification {
        var bytes = text
        // Contiguous UTF-8 (native strings already are) so the checks below index bytes without copying.
        return bytes.withUTF8 { Self.classify(text: text, utf8: $0) }
    }

    private static func classify(text: String, utf8: UnsafeBufferPointer<UInt8>) -> Classification {
        if utf8.starts(with: "01/".utf8) {
            guard utf8.count >= 17, Self.isGS1Digits(utf8[3..<17]) else {
                return .invalid("GTIN in \(text) is not 14 digits with a valid check digit")
            }
            if utf8.count == 17 { return .code(id: text, kind: .product) }
            guard utf8.count > 21, utf8[17..<21].elementsEqual("/21/".utf8) else {
                return .invalid("\(text) is not 01/<gtin>/21/<serial>")
            }
            let serial = utf8[21...]
            guard serial.count <= 20, serial.allSatisfy({ Self.cset82.contains($0) }) else {
                return .invalid("serial in \(text) must be 1–20 characters of GS1 character set 82")
            }
            return .code(id: text, kind: .unit)
        }
        if utf8.starts(with: "00/".utf8) {
            guard utf8.count == 21, Self.isGS1Digits(utf8[3...]) else {
                return .invalid("SSCC in \(text) is not 18 digits with a valid check digit")
            }
            return .code(id: text, kind: .logisticUnit)
        }
        if utf8.starts(with: "brand:".utf8) {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 3, !parts[1].isEmpty, !parts[2].isEmpty, parts[2].utf8.count <= 64,
                parts.allSatisfy({ $0.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F } })
            else {
                return .invalid("\(text) is not brand:<scheme>:<token> (printable ASCII, token up to 64 characters)")
            }
            return .code(id: text, kind: .unit)
        }
        return .notCanonical
    }

    /// Digits whose last is the GS1 mod-10 check digit of the others.
    private static func isGS1Digits(_ digits: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
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
