/// Byte-level helpers: scans are handled as `[UInt8]` so parsing never pays for Unicode processing.
enum ASCII {
    /// GS, the group separator GS1 uses to end a variable-length element (FNC1 in the symbol).
    static let groupSeparator: UInt8 = 0x1D

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    @inline(__always)
    static func digitValue(_ byte: UInt8) -> Int { Int(byte &- UInt8(ascii: "0")) }

    @inline(__always)
    static func isUpper(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "A") < 26 }

    @inline(__always)
    static func isLower(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "a") < 26 }

    static func isAllDigits(_ bytes: some Collection<UInt8>) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy(self.isDigit)
    }

    /// The value of up to 18 digits (callers check they are digits; 18 digits cannot overflow `Int`).
    static func number(_ bytes: some Collection<UInt8>) -> Int {
        var value = 0
        for byte in bytes.prefix(18) { value = value &* 10 &+ self.digitValue(byte) }
        return value
    }

    static func lowercased(_ byte: UInt8) -> UInt8 { self.isUpper(byte) ? byte | 0x20 : byte }

    /// Case-insensitive prefix test for ASCII text such as `https://`.
    static func hasPrefix(_ bytes: ArraySlice<UInt8>, caseInsensitive prefix: String) -> Bool {
        let prefix = Array(prefix.utf8)
        guard bytes.count >= prefix.count else { return false }
        return zip(bytes, prefix).allSatisfy { self.lowercased($0) == self.lowercased($1) }
    }

    static func string(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// Text safe to quote in an error message: printable ASCII kept, anything else shown as `\xHH`, long values cut.
    static func quoted(_ bytes: some Collection<UInt8>, limit: Int = 40) -> String {
        var out = ""
        for (index, byte) in bytes.enumerated() {
            if index == limit {
                out += "…"
                break
            }
            if byte >= 0x20 && byte < 0x7F {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "\\x" + self.hex(byte)
            }
        }
        return out
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".unicodeScalars)
        return String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
    }
}
