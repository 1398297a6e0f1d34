import StoregateCore

/// The URIs an EPCIS event names things by: GS1 Digital Link for codes, products and places (written by the
/// project's one Digital Link writer, ``GS1CodeWriter``), storegate's namespace for brand codes.
public enum EPCISIdentifiers {
    /// GS1's own resolver host: the canonical form of a Digital Link URI.
    public static let host = "id.gs1.org"

    /// The EPC of a canonical code id (`01/<gtin>/21/<serial>`, `01/<gtin>/235/<tpx>`, `00/<sscc>`,
    /// `brand:<scheme>:<token>`); nil when `codeID` is none of them.
    public static func epc(codeID: String) -> String? {
        if codeID.hasPrefix("brand:") {
            let parts = codeID.dropFirst(6).split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
            return EPCISDocument.namespace + "brand/" + PercentEncoding.encode(parts[0].utf8) + "/" + PercentEncoding.encode(parts[1].utf8)
        }
        let code = CodeParser().parse(codeID)
        guard code.valid, code.id == codeID, code.identityKind == .unit || code.identityKind == .logisticUnit else { return nil }
        return GS1CodeWriter.digitalLink(host: Self.host, code.ais)
    }

    /// The class of a product counted without serial: the GTIN's Digital Link (GTIN-8/12/13 padded to 14 digits).
    public static func epcClass(gtin: String) -> String {
        let padded = String(repeating: "0", count: max(0, 14 - gtin.utf8.count)) + gtin
        return GS1CodeWriter.digitalLink(host: Self.host, [ElementString(ai: "01", value: padded)])
    }

    /// A place: the GLN's Digital Link, with the extension component (AI 254) when there is one.
    public static func location(gln: String, extension component: String? = nil) -> String {
        var elements = [ElementString(ai: "414", value: gln)]
        if let component { elements.append(ElementString(ai: "254", value: component)) }
        return GS1CodeWriter.digitalLink(host: Self.host, elements)
    }
}
