/// UUID version 7 (RFC 9562): 48-bit Unix milliseconds then random bits, so event ids sort by time.
enum UUIDv7 {
    static func make(milliseconds: Int64) -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: 16)
        let ms = UInt64(bitPattern: milliseconds)
        for index in 0..<6 {
            bytes[index] = UInt8(truncatingIfNeeded: ms >> UInt64(8 * (5 - index)))
        }
        let random1 = generator.next() as UInt64
        let random2 = generator.next() as UInt64
        for index in 6..<16 {
            let source = index < 14 ? random1 : random2
            bytes[index] = UInt8(truncatingIfNeeded: source >> UInt64(8 * (index % 8)))
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x70  // version 7
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // variant 10
        let hex = Hex.encode(bytes)
        let chars = Array(hex)
        return String(chars[0..<8]) + "-" + String(chars[8..<12]) + "-" + String(chars[12..<16]) + "-"
            + String(chars[16..<20]) + "-" + String(chars[20..<32])
    }
}

enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out = [UInt8]()
        for byte in bytes {
            out.append(Self.digits[Int(byte >> 4)])
            out.append(Self.digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
