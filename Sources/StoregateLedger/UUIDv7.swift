/// UUID version 7 (RFC 9562): 48-bit Unix milliseconds then random bits, so event ids sort by time.
enum UUIDv7 {
    static func make(milliseconds: Int64) -> String {
        var generator = SystemRandomNumberGenerator()
        let random1 = generator.next() as UInt64
        let random2 = generator.next() as UInt64
        let ms = UInt64(bitPattern: milliseconds)
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { bytes in
            for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: ms >> UInt64(8 * (5 - index))) }
            for index in 6..<16 {
                let source = index < 14 ? random1 : random2
                bytes[index] = UInt8(truncatingIfNeeded: source >> UInt64(8 * (index % 8)))
            }
            bytes[6] = (bytes[6] & 0x0F) | 0x70  // version 7
            bytes[8] = (bytes[8] & 0x3F) | 0x80  // variant 10
            return String(unsafeUninitializedCapacity: 36) { out in
                var position = 0
                for index in 0..<16 {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        out[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    out[position] = Hex.digit(bytes[index] >> 4)
                    out[position + 1] = Hex.digit(bytes[index] & 0x0F)
                    position += 2
                }
                return position
            }
        }
    }
}

enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    @inline(__always)
    static func digit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? nibble + 48 : nibble + 87
    }

    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out = [UInt8]()
        for byte in bytes {
            out.append(Self.digit(byte >> 4))
            out.append(Self.digit(byte & 0x0F))
        }
        return String(decoding: out, as: UTF8.self)
    }
}
