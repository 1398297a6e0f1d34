/// The character sets of GS1 data (GS1 General Specifications §7.11): the `N`, `X`, `Y`, `Z` of the syntax dictionary.
public enum GS1CharacterSet: String, Sendable, CaseIterable {
    /// `N`: digits.
    case numeric = "N"
    /// `X`: GS1 AI encodable character set 82 (printable ASCII except space, `#`, `$`, `@`, `[`–`^`, `` ` ``, `{`–`~`).
    case cset82 = "X"
    /// `Y`: character set 39 (`#`, `-`, `/`, digits, upper-case letters).
    case cset39 = "Y"
    /// `Z`: base64url characters (RFC 4648 §5), `=` padding allowed only at the end.
    case base64url = "Z"

    /// A lookup table per set: one bit per ASCII byte, so the check is one load per character.
    private static let membership: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 128)
        let cset82 = Array("!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz".utf8)
        let cset39 = Array("#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        let base64url = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=".utf8)
        for byte in UInt8(ascii: "0")...UInt8(ascii: "9") { table[Int(byte)] |= 1 }
        for byte in cset82 { table[Int(byte)] |= 2 }
        for byte in cset39 { table[Int(byte)] |= 4 }
        for byte in base64url { table[Int(byte)] |= 8 }
        return table
    }()

    private var bit: UInt8 {
        switch self {
        case .numeric: return 1
        case .cset82: return 2
        case .cset39: return 4
        case .base64url: return 8
        }
    }

    /// Whether one byte belongs to the set.
    public func contains(_ byte: UInt8) -> Bool {
        byte < 128 && Self.membership[Int(byte)] & self.bit != 0
    }

    /// The offset of the first byte outside the set (padding `=` counts as outside unless it only ends the value).
    func firstInvalidOffset(in value: ArraySlice<UInt8>) -> Int? {
        var offset = 0
        var seenPadding = false
        for byte in value {
            if self == .base64url && byte == UInt8(ascii: "=") {
                seenPadding = true
            } else if seenPadding || !self.contains(byte) {
                return offset
            }
            offset += 1
        }
        return nil
    }

    var name: String {
        switch self {
        case .numeric: return "digits"
        case .cset82: return "GS1 character set 82"
        case .cset39: return "GS1 character set 39"
        case .base64url: return "base64url"
        }
    }
}
