public import StoregateCore

/// Parsed codes as the parser would produce them, for tests that must not depend on the parser.
extension ParsedCode {
    /// A serialised unit: GTIN + serial, canonical id `01/<gtin14>/21/<serial>`.
    public static func unit(
        gtin: String = "09506000134352",
        serial: String,
        expiry: CivilDate? = nil,
        signature: CodeSignature? = nil
    ) -> ParsedCode {
        ParsedCode(
            kind: .gs1, id: "01/\(gtin)/21/\(serial)", identityKind: .unit, gtin: gtin, serial: serial,
            expiry: expiry, ais: [ElementString(ai: "01", value: gtin), ElementString(ai: "21", value: serial)],
            signature: signature
        )
    }

    /// A case or pallet: SSCC, canonical id `00/<sscc18>`.
    public static func logisticUnit(sscc: String) -> ParsedCode {
        ParsedCode(kind: .gs1, id: "00/\(sscc)", identityKind: .logisticUnit, ais: [ElementString(ai: "00", value: sscc)])
    }

    /// A retail product (EAN-13 etc.): canonical id `01/<gtin14>`.
    public static func product(gtin: String = "09506000134352") -> ParsedCode {
        ParsedCode(kind: .retail, id: "01/\(gtin)", identityKind: .product, gtin: gtin)
    }

    /// A brand URL code: canonical id `brand:<scheme>:<token>`.
    public static func brand(scheme: String = "acme", token: String, signature: CodeSignature? = nil) -> ParsedCode {
        ParsedCode(kind: .brand, id: "brand:\(scheme):\(token)", identityKind: .unit, signature: signature)
    }

    /// A scan the parser rejected.
    public static func malformed(_ message: String = "GTIN check digit is wrong") -> ParsedCode {
        ParsedCode(kind: .unknown, errors: [ParseIssue(code: "check_digit", ai: "01", message: message)])
    }

    /// The same code carrying a signature tail.
    public func signed(_ signature: CodeSignature) -> ParsedCode {
        var copy = self
        copy.signature = signature
        return copy
    }
}

/// GTIN check digits (mod 10, weights 3 and 1 from the right), for building valid test codes.
public enum GTIN {
    /// Appends the check digit to 13 digits.
    public static func withCheckDigit(_ digits: String) -> String {
        var sum = 0
        for (index, char) in digits.reversed().enumerated() {
            let value = Int(char.asciiValue ?? 48) - 48
            sum += value * (index % 2 == 0 ? 3 : 1)
        }
        return digits + String((10 - sum % 10) % 10)
    }

    /// A valid 14-digit GTIN made from a number.
    public static func make(_ number: Int) -> String {
        let body = String(number)
        return withCheckDigit(String(repeating: "0", count: max(0, 13 - body.count)) + body)
    }

    /// A valid 18-digit SSCC made from a number.
    public static func sscc(_ number: Int) -> String {
        let body = String(number)
        return withCheckDigit(String(repeating: "0", count: max(0, 17 - body.count)) + body)
    }
}
