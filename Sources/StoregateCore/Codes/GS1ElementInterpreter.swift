/// Turns the elements read from an element string, HRI text or Digital Link into a ``ParsedCode``: validates every
/// value, applies GS1's pairing rules, and derives the fields and the canonical identity.
struct GS1ElementInterpreter {
    var dates: GS1DateRules

    func interpret(
        _ scanned: [GS1RawElement],
        kind: CodeKind,
        symbology: Symbology?,
        issues earlier: [ParseIssue]
    ) -> ParsedCode {
        var issues = earlier
        let elements = self.removingDuplicates(scanned, into: &issues)
        for element in elements where !element.alreadyReported {
            GS1ValueValidator.validate(element, dates: self.dates, into: &issues)
        }
        GS1AssociationRules.check(elements, into: &issues)

        var code = ParsedCode(kind: kind, symbology: symbology)
        code.ais = elements.map { ElementString(ai: $0.ai, value: ASCII.string($0.value)) }
        func value(_ ai: String) -> String? {
            elements.first { $0.ai == ai }.map { ASCII.string($0.value) }
        }
        code.gtin = value("01")
        code.serial = value("21")
        code.lot = value("10")
        if let expiry = elements.first(where: { $0.ai == "17" }) {
            code.expiry = self.dates.date(yymmdd: expiry.value)
        }
        switch (value("91"), value("92")) {
        case let (keyID?, signature?):
            code.signature = CodeSignature(keyID: keyID, signature: signature)
        case (nil, nil):
            break
        case (_?, nil):
            issues.append(ParseIssue(.incompleteSignature, ai: "92", "AI 91 (signing key id) is present but AI 92 (signature) is missing"))
        case (nil, _?):
            issues.append(ParseIssue(.incompleteSignature, ai: "91", "AI 92 (signature) is present but AI 91 (signing key id) is missing"))
        }

        let identity = self.identity(gtin: code.gtin, serial: code.serial, tpx: value("235"), sscc: value("00"))
        if identity == nil && issues.isEmpty {
            issues.append(ParseIssue(.noIdentity, "the code is valid GS1 data but has no GTIN (01) or SSCC (00), so it identifies nothing storegate tracks"))
        }
        code.errors = issues
        if issues.isEmpty, let identity {
            code.id = identity.id
            code.identityKind = identity.kind
        }
        return code
    }

    private func identity(gtin: String?, serial: String?, tpx: String?, sscc: String?) -> (id: String, kind: IdentityKind)? {
        if let gtin {
            if let serial { return (CanonicalID.unit(gtin: gtin, serial: serial), .unit) }
            if let tpx { return (CanonicalID.unit(gtin: gtin, tpx: tpx), .unit) }
            return (CanonicalID.product(gtin: gtin), .product)
        }
        if let sscc { return (CanonicalID.logisticUnit(sscc: sscc), .logisticUnit) }
        return nil
    }

    /// GS1 allows an AI to repeat with the same value (e.g. read from two carriers); different values are a conflict.
    private func removingDuplicates(_ elements: [GS1RawElement], into issues: inout [ParseIssue]) -> [GS1RawElement] {
        var kept: [GS1RawElement] = []
        kept.reserveCapacity(elements.count)
        for element in elements {
            if let earlier = kept.first(where: { $0.ai == element.ai }) {
                if earlier.value != element.value {
                    issues.append(ParseIssue(
                        .conflictingDuplicate, ai: element.ai,
                        "AI \(element.ai) appears twice with different values: \(ASCII.quoted(earlier.value)) and \(ASCII.quoted(element.value))"
                    ))
                }
                continue
            }
            kept.append(element)
        }
        return kept
    }
}
