/// An AIM symbology identifier (ISO/IEC 15424): `]` + code character + modifier, e.g. `]d2`.
public struct Symbology: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The three characters as scanned, e.g. `]d2`.
    public var identifier: String

    public init(identifier: String) {
        self.identifier = identifier
    }

    public var description: String { self.identifier }

    /// Identifiers that announce GS1 data (FNC1 in first position): GS1 DataMatrix, GS1 QR, GS1-128, GS1 DataBar,
    /// GS1 DotCode.
    public static let gs1Identifiers: Set<String> = ["]d2", "]Q3", "]C1", "]e0", "]J1"]

    /// Whether the scanner said the symbol carries GS1 element strings.
    public var isGS1: Bool { Self.gs1Identifiers.contains(self.identifier) }

    /// Reads `]Xm` at the start of a scan: `]`, a letter, then a modifier character.
    static func prefix(of data: ArraySlice<UInt8>) -> Symbology? {
        guard data.count >= 3, data[data.startIndex] == UInt8(ascii: "]") else { return nil }
        let letter = data[data.startIndex + 1]
        let modifier = data[data.startIndex + 2]
        guard ASCII.isUpper(letter) || ASCII.isLower(letter),
            ASCII.isDigit(modifier) || ASCII.isUpper(modifier) || ASCII.isLower(modifier)
        else { return nil }
        return Symbology(identifier: ASCII.string(data.prefix(3)))
    }
}
