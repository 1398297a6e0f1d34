/// An AIM symbology identifier (ISO/IEC 15424): `]` + code character + modifier, e.g. `]d2`.
public struct Symbology: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The three characters as scanned, e.g. `]d2`.
    public var identifier: String

    public init(identifier: String) {
        self.identifier = identifier
    }

    public var description: String { self.identifier }
}
