/// Reads a canonical id (``ParsedCode/id``) back into a ``ParsedCode``, e.g. from an import file's `code` column.
///
/// Only the exact canonical spelling is accepted (upper-case `%XX`, 14-digit GTIN, no host), so an id read back is
/// byte-for-byte the key the ledger holds.
enum CanonicalIDReader {
    static func looksCanonical(_ data: ArraySlice<UInt8>) -> Bool {
        data.starts(with: "01/".utf8) || data.starts(with: "00/".utf8) || data.starts(with: "brand:".utf8)
    }

    static func read(_ data: ArraySlice<UInt8>, schemes: [BrandScheme], interpreter: GS1ElementInterpreter) -> ParsedCode {
        if data.starts(with: "brand:".utf8) {
            return self.readBrand(data.dropFirst(6), schemes: schemes)
        }
        let parts = data.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        var elements: [GS1RawElement] = []
        var issues: [ParseIssue] = []
        let shapeOK = (parts.count == 2 || (parts.count == 4 && parts[0].elementsEqual("01".utf8)))
            && (parts.count == 2 || parts[2].elementsEqual("21".utf8) || parts[2].elementsEqual("235".utf8))
        if shapeOK {
            var index = 0
            while index + 1 < parts.count {
                let ai = ASCII.string(parts[index])
                guard let definition = GS1ApplicationIdentifier.definition(for: ai),
                    let value = PercentEncoding.decode(parts[index + 1])
                else {
                    issues.append(ParseIssue(.badCanonicalID, ai: ai, "canonical id \(ASCII.quoted(data)): AI \(ai) has a bad %XX escape"))
                    break
                }
                elements.append(GS1RawElement(ai: ai, definition: definition, value: value))
                index += 2
            }
        } else {
            issues.append(ParseIssue(.badCanonicalID, "\(ASCII.quoted(data)) is not a canonical id (01/<gtin>, 01/<gtin>/21/<serial>, 01/<gtin>/235/<tpx>, 00/<sscc>)"))
        }
        var code = interpreter.interpret(elements, kind: .gs1, symbology: nil, issues: issues)
        if let id = code.id, !id.utf8.elementsEqual(data) {
            code.errors.append(ParseIssue(.badCanonicalID, "\(ASCII.quoted(data)) is not in canonical spelling; the canonical id is \(id)"))
            code.id = nil
            code.identityKind = .none
        }
        return code
    }

    private static func readBrand(_ rest: ArraySlice<UInt8>, schemes: [BrandScheme]) -> ParsedCode {
        var code = ParsedCode(kind: .brand)
        guard let colon = rest.firstIndex(of: UInt8(ascii: ":")) else {
            code.errors = [ParseIssue(.badCanonicalID, "brand id needs the form brand:<scheme>:<token>")]
            return code
        }
        let name = ASCII.string(rest[rest.startIndex..<colon])
        let token = rest[(colon + 1)...]
        if let scheme = schemes.first(where: { $0.name == name }) {
            if let problem = BrandCodeReader.tokenProblem(token, scheme: scheme) {
                code.errors = [ParseIssue(.brandBadToken, "brand code (\(name)): \(problem)")]
                return code
            }
        } else {
            // Without the scheme's configuration only the shape can be checked: plain unreserved characters.
            guard !name.isEmpty, !token.isEmpty, token.count <= 128, name.utf8.allSatisfy(PercentEncoding.isUnreserved),
                token.allSatisfy(PercentEncoding.isUnreserved)
            else {
                code.errors = [ParseIssue(.badCanonicalID, "\(ASCII.quoted(rest)) is not a brand id (brand:<scheme>:<token>, letters, digits, - . _ ~)")]
                return code
            }
        }
        code.id = CanonicalID.brand(scheme: name, token: ASCII.string(token))
        code.identityKind = .unit
        return code
    }
}
