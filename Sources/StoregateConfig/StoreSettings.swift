import StoregateCore
public import TOMLKit

/// `[store]`: where the store is, as GS1 names places (docs/config.md). The EPCIS export (docs/epcis.md) needs the
/// GLN; nothing else reads these keys yet.
public struct StoreSettings: Sendable, Equatable {
    /// The store's Global Location Number: 13 digits with a valid check digit. EPCIS `bizLocation`.
    public var gln: String?
    /// A GLN extension component (AI 254: 1–20 characters of GS1's character set 82) naming where in the store the
    /// codes are scanned. EPCIS `readPoint` is the GLN with this extension; without it, the GLN itself.
    public var readPointExtension: String?

    public static let knownKeys: Set<String> = ["gln", "read_point_extension"]

    public init(gln: String? = nil, readPointExtension: String? = nil) {
        self.gln = gln
        self.readPointExtension = readPointExtension
    }

    /// Why `text` is not a GLN, or nil when it is one.
    public static func glnProblem(_ text: String) -> String? {
        let digits = Array(text.utf8)
        guard digits.count == 13, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return "\(text) is not a GLN: a GLN is 13 digits"
        }
        guard GS1CheckDigits.isValidMod10(digits) else {
            let expected = Character(Unicode.Scalar(GS1CheckDigits.mod10(forPayload: digits.dropLast())))
            return "\(text) is not a GLN: its check digit should be \(expected)"
        }
        return nil
    }

    /// Why `text` cannot be a GLN extension component (AI 254), or nil when it can.
    public static func extensionProblem(_ text: String) -> String? {
        guard let component = GS1ApplicationIdentifier.definition(for: "254")?.components.first else { return nil }
        let bytes = Array(text.utf8)
        guard component.length.contains(bytes.count), bytes.allSatisfy(component.characterSet.contains) else {
            return "\(text) is not a GLN extension (AI 254): \(component.length.lowerBound)–\(component.length.upperBound) characters "
                + "of GS1's set 82 (letters, digits and !\"%&'()*+,-./:;<=>?_)"
        }
        return nil
    }
}

extension TOMLReader {
    /// The `[store]` table's settings; every bad value is recorded as an error naming its key.
    public mutating func storeSettings(_ store: TOMLTable) -> StoreSettings {
        var settings = StoreSettings()
        if let gln = self.string(store, "store.gln") {
            if let problem = StoreSettings.glnProblem(gln) { self.fail("store.gln", problem) } else { settings.gln = gln }
        }
        if let value = self.string(store, "store.read_point_extension") {
            if let problem = StoreSettings.extensionProblem(value) {
                self.fail("store.read_point_extension", problem)
            } else {
                settings.readPointExtension = value
            }
        }
        return settings
    }
}
