/// Reads plain retail barcodes: EAN-13, UPC-A (12 digits), EAN-8, and a bare GTIN-14 (ITF-14).
///
/// A retail code names a product, never a unit: its identity is the product's GTIN, zero-padded to 14 digits.
enum RetailCodeReader {
    static let lengths = [8, 12, 13, 14]

    static func read(_ digits: ArraySlice<UInt8>, symbology: Symbology?) -> ParsedCode {
        var code = ParsedCode(kind: .retail, symbology: symbology)
        let name: String
        switch digits.count {
        case 8: name = "EAN-8"
        case 12: name = "UPC-A"
        case 13: name = "EAN-13"
        case 14: name = "GTIN-14"
        default:
            code.errors = [ParseIssue(.unrecognised, "\(digits.count) digits is not a retail barcode length (8, 12, 13 or 14)")]
            return code
        }
        if let failure = GS1CheckDigits.mod10Failure(digits) {
            code.errors = [ParseIssue(.checkDigit, "\(name) \(ASCII.quoted(digits)): \(failure.problem)")]
            return code
        }
        let gtin = String(repeating: "0", count: 14 - digits.count) + ASCII.string(digits)
        code.gtin = gtin
        code.id = CanonicalID.product(gtin: gtin)
        code.identityKind = .product
        return code
    }
}
