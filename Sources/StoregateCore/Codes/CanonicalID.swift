/// Builds canonical identities, the strings the ledger keys on (``ParsedCode/id``).
///
/// The form follows a GS1 Digital Link path without host, so one unit gets one id however it was scanned:
/// `01/<gtin14>/21/<serial>` and `01/<gtin14>/235/<tpx>` (units), `00/<sscc>` (logistic units), `01/<gtin14>`
/// (products), `brand:<scheme>:<token>` (brand URL codes). Serial and TPX are percent-encoded for every character
/// outside RFC 3986's unreserved set, exactly as in a Digital Link URI.
public enum CanonicalID {
    public static func unit(gtin: String, serial: String) -> String {
        "01/\(gtin)/21/\(PercentEncoding.encode(serial.utf8))"
    }

    public static func unit(gtin: String, tpx: String) -> String {
        "01/\(gtin)/235/\(PercentEncoding.encode(tpx.utf8))"
    }

    public static func product(gtin: String) -> String {
        "01/\(gtin)"
    }

    public static func logisticUnit(sscc: String) -> String {
        "00/\(sscc)"
    }

    public static func brand(scheme: String, token: String) -> String {
        "brand:\(scheme):\(token)"
    }
}
