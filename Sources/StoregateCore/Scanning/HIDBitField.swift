/// Where one value sits in a report: bit offset from the first data byte (after any report ID) and width in bits.
public struct HIDBitField: Sendable, Hashable {
    public var bitOffset: Int
    public var bitWidth: Int

    public init(bitOffset: Int, bitWidth: Int) {
        self.bitOffset = bitOffset
        self.bitWidth = bitWidth
    }

    /// The field's value read little-endian from `data` (report without its ID byte), or nil if the report is too
    /// short to hold it. Widths above 32 bits read their low 32 bits.
    public func value(in data: ArraySlice<UInt8>) -> UInt32? {
        guard self.bitOffset + self.bitWidth <= data.count * 8 else { return nil }
        var result: UInt32 = 0
        for bit in 0..<min(self.bitWidth, 32) {
            let position = self.bitOffset + bit
            let byte = data[data.startIndex + position / 8]
            if (byte >> (position % 8)) & 1 == 1 { result |= 1 << bit }
        }
        return result
    }
}
