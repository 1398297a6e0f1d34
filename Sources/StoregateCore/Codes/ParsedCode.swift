/// What a scan turned out to be.
public enum CodeKind: String, Sendable, Codable, CaseIterable {
    /// A GS1 element string (GS1 DataMatrix, GS1 QR, GS1-128, DataBar).
    case gs1
    /// A GS1 Digital Link URI.
    case digitalLink = "digital_link"
    /// A brand URL code matched by a configured ``BrandScheme``.
    case brand
    /// A plain retail barcode (EAN-13, UPC-A, EAN-8): a product, never a unit.
    case retail
    /// Nothing storegate recognises.
    case unknown
}

/// What the canonical identity of a parsed code points at; decides what may happen to it.
public enum IdentityKind: String, Sendable, Codable {
    /// One serialised unit (GTIN + serial, GTIN + TPX, a brand token): can be sold and redeemed once.
    case unit
    /// A logistic unit (SSCC): a case or pallet, received and unpacked, never redeemed.
    case logisticUnit = "logistic_unit"
    /// A product (GTIN without serial, EAN/UPC): counted in sales, never redeemable.
    case product
    /// No identity (invalid or unrecognised scan).
    case none
}

/// One problem found in a scan, with a stable machine code and a message a person can act on.
public struct ParseIssue: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Stable machine code, e.g. `check_digit`, `bad_length`, `missing_required_ai`. Documented in docs/codes.md.
    public var code: String
    /// The application identifier the problem is about, when there is one.
    public var ai: String?
    /// What was wrong, naming the AI and the problem.
    public var message: String

    public init(code: String, ai: String? = nil, message: String) {
        self.code = code
        self.ai = ai
        self.message = message
    }

    public var description: String { self.message }
}

/// One GS1 element: an application identifier and its value, in scan order.
public struct ElementString: Sendable, Equatable, Codable {
    public var ai: String
    public var value: String

    public init(ai: String, value: String) {
        self.ai = ai
        self.value = value
    }
}

/// The signature tail a code may carry: HQ's Ed25519 signature over the code's canonical ``ParsedCode/id``.
///
/// In element strings and Digital Link it travels as AI 91 (key id) and AI 92 (base64url signature);
/// brand URLs carry the same two values as the query parameters `91` and `92`. See docs/signed-codes.md.
public struct CodeSignature: Sendable, Equatable, Codable {
    public var keyID: String
    /// base64url without padding, as printed in the code.
    public var signature: String

    public init(keyID: String, signature: String) {
        self.keyID = keyID
        self.signature = signature
    }
}

/// The result of parsing one scan: always produced, never thrown; `errors` says what is wrong.
public struct ParsedCode: Sendable, Equatable {
    public var kind: CodeKind
    /// The AIM symbology identifier the scanner prefixed (e.g. `]d2`), if any.
    public var symbology: Symbology?
    /// The canonical identity the ledger keys on; the same unit scanned as DataMatrix, QR or Digital Link gets one id.
    public var id: String?
    public var identityKind: IdentityKind
    /// GTIN, always 14 digits.
    public var gtin: String?
    public var serial: String?
    public var lot: String?
    /// Expiry date (AI 17); DD=00 resolved to the last day of the month.
    public var expiry: CivilDate?
    /// Every element in scan order (for Digital Link: path then query attributes).
    public var ais: [ElementString]
    public var signature: CodeSignature?
    public var errors: [ParseIssue]

    public var valid: Bool { self.errors.isEmpty }

    public init(
        kind: CodeKind,
        symbology: Symbology? = nil,
        id: String? = nil,
        identityKind: IdentityKind = .none,
        gtin: String? = nil,
        serial: String? = nil,
        lot: String? = nil,
        expiry: CivilDate? = nil,
        ais: [ElementString] = [],
        signature: CodeSignature? = nil,
        errors: [ParseIssue] = []
    ) {
        self.kind = kind
        self.symbology = symbology
        self.id = id
        self.identityKind = identityKind
        self.gtin = gtin
        self.serial = serial
        self.lot = lot
        self.expiry = expiry
        self.ais = ais
        self.signature = signature
        self.errors = errors
    }
}
