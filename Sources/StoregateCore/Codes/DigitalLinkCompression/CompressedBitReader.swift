/// Reads the bits of a base64url string, most significant bit of each character first, as compressed Digital
/// Link writes them. Reads past the end return nil rather than trapping, so truncated data is reported, not fatal.
struct CompressedBitReader {
    /// One 6-bit value per base64url character.
    private let sextets: [UInt8]
    /// The next bit to read, counted from the first bit of the first character.
    private(set) var position = 0

    var count: Int { self.sextets.count * 6 }
    var remaining: Int { self.count - self.position }

    /// Fails with the offset of the first character outside the base64url alphabet (`=` padding included).
    init(base64url text: some Collection<UInt8>) throws(BadCharacter) {
        var sextets: [UInt8] = []
        sextets.reserveCapacity(text.count)
        for (offset, byte) in text.enumerated() {
            guard let value = CompressionFormat.ValueEncoding.base64urlIndex(byte) else {
                throw BadCharacter(offset: offset, byte: byte)
            }
            sextets.append(value)
        }
        self.sextets = sextets
    }

    struct BadCharacter: Error {
        var offset: Int
        var byte: UInt8
    }

    /// The next `width` bits (at most 64) as an unsigned integer; nil, reading nothing, when fewer remain.
    mutating func read(_ width: Int) -> UInt64? {
        guard width >= 0, width <= 64, width <= self.remaining else { return nil }
        var value: UInt64 = 0
        for _ in 0..<width {
            value = value << 1 | UInt64(self.nextBit())
        }
        return value
    }

    /// The next `width` bits as a decimal number of exactly `digits` digits (leading zeros kept); nil when fewer
    /// bits remain or the number needs more digits. Widths are not bounded by 64: AI 4309 has 20 digits (67 bits).
    mutating func readDecimal(width: Int, digits: Int) -> [UInt8]? {
        guard width >= 0, width <= self.remaining else { return nil }
        // Little-endian decimal digits; doubling and adding each bit keeps the conversion exact at any width.
        var decimal: [UInt8] = [0]
        for _ in 0..<width {
            var carry = self.nextBit()
            for index in decimal.indices {
                let doubled = decimal[index] &* 2 &+ carry
                decimal[index] = doubled % 10
                carry = doubled / 10
            }
            if carry > 0 { decimal.append(carry) }
        }
        while decimal.count > 1, decimal.last == 0 { decimal.removeLast() }
        if decimal == [0] && digits == 0 { return [] }
        guard decimal.count <= digits else { return nil }
        let padded = decimal + [UInt8](repeating: 0, count: digits - decimal.count)
        return padded.reversed().map { $0 + UInt8(ascii: "0") }
    }

    /// Whether every bit from here to the end is zero (the padding up to a whole base64url character).
    func restIsZero() -> Bool {
        var copy = self
        while copy.remaining > 0 {
            if copy.nextBit() != 0 { return false }
        }
        return true
    }

    private mutating func nextBit() -> UInt8 {
        let sextet = self.sextets[self.position / 6]
        let bit = (sextet >> (5 - self.position % 6)) & 1
        self.position += 1
        return bit
    }
}
