/// Reads brand URL codes (`https://q.brand.cn/c/7GQ2XK9P4M`) through the configured ``BrandScheme``s.
enum BrandCodeReader {
    /// The scheme whose host (case-insensitive) and path prefix match the URL, if any.
    static func scheme(for url: ScannedURL, in schemes: [BrandScheme]) -> BrandScheme? {
        schemes.first { scheme in
            scheme.hosts.contains { $0.lowercased() == url.host } && url.path.starts(with: scheme.pathPrefix.utf8)
        }
    }

    static func read(_ url: ScannedURL, scheme: BrandScheme, symbology: Symbology?) -> ParsedCode {
        var code = ParsedCode(kind: .brand, symbology: symbology)
        let token = url.path.dropFirst(scheme.pathPrefix.utf8.count)
        var issues: [ParseIssue] = []
        if let problem = self.tokenProblem(token, scheme: scheme) {
            issues.append(ParseIssue(.brandBadToken, "brand code (\(scheme.name)): \(problem)"))
        }
        var keyID: String?
        var signature: String?
        for (key, value) in url.queryPairs {
            if key.elementsEqual("91".utf8) { keyID = PercentEncoding.decode(value).map(ASCII.string) }
            if key.elementsEqual("92".utf8) { signature = PercentEncoding.decode(value).map(ASCII.string) }
        }
        switch (keyID, signature) {
        case let (keyID?, signature?): code.signature = CodeSignature(keyID: keyID, signature: signature)
        case (nil, nil): break
        default:
            issues.append(ParseIssue(.incompleteSignature, "brand code: a signature needs both query parameters 91 (key id) and 92 (signature)"))
        }
        code.errors = issues
        if issues.isEmpty {
            code.id = CanonicalID.brand(scheme: scheme.name, token: ASCII.string(token))
            code.identityKind = .unit
        }
        return code
    }

    /// Why a token does not fit the scheme, or nil when it does.
    static func tokenProblem(_ token: some Collection<UInt8>, scheme: BrandScheme) -> String? {
        let alphabet = Set(scheme.tokenAlphabet.utf8)
        if let bad = token.first(where: { !alphabet.contains($0) }) {
            return "token \(ASCII.quoted(token)) has '\(ASCII.quoted([bad]))', which the scheme's alphabet does not allow"
        }
        guard scheme.tokenLength.contains(token.count) else {
            return "token \(ASCII.quoted(token)) is \(token.count) characters; the scheme takes \(scheme.tokenLength.lowerBound) to \(scheme.tokenLength.upperBound)"
        }
        return nil
    }
}
