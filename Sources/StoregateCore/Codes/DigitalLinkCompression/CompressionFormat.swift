/// The fixed parts of GS1 Digital Link compression: how many bits each field takes, the value encodings, the
/// optimisation codes for common AI sequences and the 2-digit prefixes that announce an AI's length.
///
/// The compressed form is a base64url path segment whose bits are a sequence of entries: an AI written as 4-bit
/// decimal digits (or an 8-bit optimisation code standing for several AIs, or `F` for a non-GS1 key) followed by
/// its value, component by component, in the AI's format from the syntax dictionary.
enum CompressionFormat {
    /// log2(10): a numeric value of n digits takes ceil(n × log2(10) + 0.01) bits, the standard's own formula.
    private static let bitsPerDecimalDigit = 3.321928094887362

    /// Bits holding a numeric value of `digits` digits (0 digits still take one bit, as the standard writes it).
    static func valueBits(digits: Int) -> Int {
        Int((Double(digits) * self.bitsPerDecimalDigit + 0.01).rounded(.up))
    }

    /// Bits holding the length of a variable-length value whose maximum is `maximum`: ceil(log2(maximum) + 0.01),
    /// which is the bit width of `maximum` itself.
    static func lengthBits(maximum: Int) -> Int {
        Int.bitWidth - max(maximum, 1).leadingZeroBitCount
    }

    /// The 3-bit encoding indicator in front of every non-numeric component value.
    enum ValueEncoding: UInt8, CaseIterable {
        /// Digits only, written as one binary integer.
        case numeric = 0
        /// `0-9a-f`, 4 bits a character.
        case lowerHex = 1
        /// `0-9A-F`, 4 bits a character.
        case upperHex = 2
        /// `A-Za-z0-9-_`, 6 bits a character.
        case base64url = 3
        /// Any 7-bit ASCII character.
        case ascii = 4

        /// Bits per character; nil for ``numeric``, whose width depends on the digit count.
        var bitsPerCharacter: Int? {
            switch self {
            case .numeric: return nil
            case .lowerHex, .upperHex: return 4
            case .base64url: return 6
            case .ascii: return 7
            }
        }

        /// The most compact encoding for `value`, preferred in the standard's order: numeric, upper-case hex,
        /// lower-case hex, base64url, ASCII. Nil when a byte is not 7-bit ASCII.
        static func best(for value: some Collection<UInt8>) -> ValueEncoding? {
            guard value.allSatisfy({ $0 < 0x80 }) else { return nil }
            // An empty value matches none of the alphabets in the standard's tests (they need one character).
            guard !value.isEmpty else { return .ascii }
            if value.allSatisfy(ASCII.isDigit) { return .numeric }
            if value.allSatisfy({ ASCII.isDigit($0) || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains($0) }) {
                return .upperHex
            }
            if value.allSatisfy({ ASCII.isDigit($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }) {
                return .lowerHex
            }
            if value.allSatisfy({ Self.base64urlIndex($0) != nil }) { return .base64url }
            return .ascii
        }

        static let hexAlphabet = Array("0123456789ABCDEF".utf8)
        static let base64urlAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

        static func base64urlIndex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): return byte - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): return byte - UInt8(ascii: "a") + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0") + 52
            case UInt8(ascii: "-"): return 62
            case UInt8(ascii: "_"): return 63
            default: return nil
            }
        }
    }

    /// The first nibble that announces a non-GS1 key=value pair instead of an AI.
    static let nonGS1KeyNibble: UInt8 = 0xF
    /// Non-GS1 keys and values carry a 7-bit length (at most 127 characters).
    static let nonGS1LengthBits = 7

    /// Optimisation codes: one byte (two hex nibbles, at least one of them A–F) standing for a sequence of AIs
    /// whose values follow in that order. The codes are the standard's; `Fx` is never one (non-GS1 keys).
    static let optimisations: [(code: UInt8, ais: [String])] = [
        (0x0A, ["01", "22"]), (0x0B, ["01", "10"]), (0x0C, ["01", "21"]), (0x0D, ["01", "17"]),
        (0x0E, ["01", "7003"]), (0x0F, ["01", "30"]),
        (0x1A, ["01", "10", "21", "17"]), (0x1B, ["01", "15"]), (0x1C, ["01", "11"]), (0x1D, ["01", "16"]),
        (0x1E, ["01", "91"]), (0x1F, ["01", "10", "15"]),
        (0x2A, ["01", "3100"]), (0x2B, ["01", "3101"]), (0x2C, ["01", "3102"]), (0x2D, ["01", "3103"]),
        (0x2E, ["01", "3104"]), (0x2F, ["01", "3105"]),
        (0x3A, ["01", "3200"]), (0x3B, ["01", "3201"]), (0x3C, ["01", "3202"]), (0x3D, ["01", "3203"]),
        (0x3E, ["01", "3204"]), (0x3F, ["01", "3205"]),
        (0x9A, ["8010", "8011"]), (0x9B, ["8017", "8019"]), (0x9C, ["8018", "8019"]), (0x9D, ["414", "254"]),
        (0xA0, ["01", "3920"]), (0xA1, ["01", "3921"]), (0xA2, ["01", "3922"]), (0xA3, ["01", "3923"]),
        (0xA4, ["01", "3924"]), (0xA5, ["01", "3925"]), (0xA6, ["01", "3926"]), (0xA7, ["01", "3927"]),
        (0xA8, ["01", "3928"]), (0xA9, ["01", "3929"]),
        (0xC0, ["255", "3900"]), (0xC1, ["255", "3901"]), (0xC2, ["255", "3902"]), (0xC3, ["255", "3903"]),
        (0xC4, ["255", "3904"]), (0xC5, ["255", "3905"]), (0xC6, ["255", "3906"]), (0xC7, ["255", "3907"]),
        (0xC8, ["255", "3908"]), (0xC9, ["255", "3909"]), (0xCA, ["255", "3940"]), (0xCB, ["255", "3941"]),
        (0xCC, ["255", "3942"]), (0xCD, ["255", "3943"]),
    ]

    static func optimisation(_ code: UInt8) -> [String]? {
        self.optimisations.first { $0.code == code }?.ais
    }

    /// How many digits an AI starting with two given digits has (2, 3 or 4), from the project's AI table; 0 when
    /// no AI starts with them. GS1 allocates AIs so that the first two digits fix the length.
    static let aiLengthByPrefix: [Int] = {
        var lengths = [Int](repeating: 0, count: 100)
        for definition in GS1ApplicationIdentifier.table {
            for ai in definition.identifiers {
                let digits = Array(ai.utf8)
                lengths[ASCII.number(digits.prefix(2))] = digits.count
            }
        }
        return lengths
    }()
}
