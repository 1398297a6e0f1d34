public import StoregateCore

/// Issues HQ-signed unit codes (HQ side: demos, tests, `storegate codes issue`).
///
/// A signed code carries AI 91 (key id) and AI 92 (base64url Ed25519 signature over the UTF-8 bytes of the unit's
/// canonical id, ``CanonicalID``); see docs/signed-codes.md.
public struct SignedCodeIssuer: Sendable {
    /// How the issued code is written.
    public enum Format: String, Sendable, CaseIterable {
        /// A GS1 element string (DataMatrix / GS1 QR content).
        case gs1
        /// The parenthesised human-readable form.
        case hri
        /// A GS1 Digital Link URI.
        case digitalLink = "digital-link"
    }

    public let key: CodeSigningKey

    public init(key: CodeSigningKey) {
        self.key = key
    }

    /// The elements of a signed unit in the order an encoder writes them: 01, 17, 10, 21, 91, 92.
    /// - Parameters:
    ///   - gtin: 14 digits.
    ///   - expiry: `YYMMDD` as in AI 17.
    public func elements(gtin: String, serial: String, lot: String? = nil, expiry: String? = nil) -> [ElementString] {
        let signature = self.key.sign(id: CanonicalID.unit(gtin: gtin, serial: serial))
        var elements = [ElementString(ai: "01", value: gtin)]
        if let expiry { elements.append(ElementString(ai: "17", value: expiry)) }
        if let lot { elements.append(ElementString(ai: "10", value: lot)) }
        elements.append(ElementString(ai: "21", value: serial))
        elements.append(ElementString(ai: "91", value: signature.keyID))
        elements.append(ElementString(ai: "92", value: signature.signature))
        return elements
    }

    /// One signed code as text; `separator` stands for GS in the element string format.
    public func code(
        gtin: String,
        serial: String,
        lot: String? = nil,
        expiry: String? = nil,
        format: Format,
        host: String = "id.gs1.org",
        separator: String = "\u{1D}"
    ) -> String {
        let elements = self.elements(gtin: gtin, serial: serial, lot: lot, expiry: expiry)
        switch format {
        case .gs1: return GS1CodeWriter.elementString(elements, separator: separator)
        case .hri: return GS1CodeWriter.humanReadable(elements)
        case .digitalLink: return GS1CodeWriter.digitalLink(host: host, elements)
        }
    }
}
