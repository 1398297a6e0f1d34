/// Collects bits and writes them as base64url, the inverse of ``CompressedBitReader``.
struct CompressedBitWriter {
    private var bits: [Bool] = []

    var count: Int { self.bits.count }

    /// Appends the low `width` bits of `value`, most significant first.
    mutating func write(_ value: UInt64, width: Int) {
        for shift in stride(from: width - 1, through: 0, by: -1) {
            self.bits.append(shift < 64 && (value >> UInt64(shift)) & 1 == 1)
        }
    }

    /// Appends a string of decimal digits as one binary integer of `width` bits; false when it does not fit.
    mutating func writeDecimal(_ digits: some Collection<UInt8>, width: Int) -> Bool {
        // Repeated halving of the decimal number yields its bits, least significant first.
        var decimal = digits.map { $0 &- UInt8(ascii: "0") }
        var binary: [Bool] = []
        while decimal.contains(where: { $0 != 0 }) {
            var remainder: UInt8 = 0
            for index in decimal.indices {
                let current = remainder * 10 + decimal[index]
                decimal[index] = current / 2
                remainder = current % 2
            }
            binary.append(remainder == 1)
        }
        guard binary.count <= width else { return false }
        self.bits.append(contentsOf: [Bool](repeating: false, count: width - binary.count))
        self.bits.append(contentsOf: binary.reversed())
        return true
    }

    /// The bits as base64url, the last character padded with zero bits.
    func base64url() -> String {
        var out: [UInt8] = []
        var index = 0
        while index < self.bits.count {
            var sextet = 0
            for offset in 0..<6 {
                sextet = sextet << 1 | (index + offset < self.bits.count && self.bits[index + offset] ? 1 : 0)
            }
            out.append(CompressionFormat.ValueEncoding.base64urlAlphabet[sextet])
            index += 6
        }
        return ASCII.string(out)
    }
}
