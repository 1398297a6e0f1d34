/// The parts of an `http`/`https` URL a scan carries, split without Foundation: lower-cased host, path, query.
struct ScannedURL {
    var host: String
    var path: ArraySlice<UInt8>
    var query: ArraySlice<UInt8>

    static func isURL(_ data: ArraySlice<UInt8>) -> Bool {
        ASCII.hasPrefix(data, caseInsensitive: "https://") || ASCII.hasPrefix(data, caseInsensitive: "http://")
    }

    /// Nil with an issue when the URL has no usable host or uses user info (`user@host` can disguise the host).
    static func split(_ data: ArraySlice<UInt8>, into issues: inout [ParseIssue]) -> ScannedURL? {
        let schemeLength = ASCII.hasPrefix(data, caseInsensitive: "https://") ? 8 : 7
        var index = data.startIndex + schemeLength
        let authorityStart = index
        while index < data.endIndex, ![UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#")].contains(data[index]) {
            index += 1
        }
        let authority = data[authorityStart..<index]
        if authority.contains(UInt8(ascii: "@")) {
            issues.append(ParseIssue(.badURI, "the URL has user information before the host ('@'), which is not allowed in a code"))
            return nil
        }
        let hostBytes = authority.prefix { $0 != UInt8(ascii: ":") }
        let portBytes = authority.dropFirst(hostBytes.count + 1)
        guard !hostBytes.isEmpty,
            hostBytes.allSatisfy({ PercentEncoding.isUnreserved($0) }),
            portBytes.allSatisfy(ASCII.isDigit)
        else {
            issues.append(ParseIssue(.badURI, "the URL host \(ASCII.quoted(authority)) is not a host name"))
            return nil
        }
        let pathStart = index
        while index < data.endIndex, data[index] != UInt8(ascii: "?"), data[index] != UInt8(ascii: "#") { index += 1 }
        let path = data[pathStart..<index]
        var query = data[index..<index]
        if index < data.endIndex, data[index] == UInt8(ascii: "?") {
            let queryStart = index + 1
            index = queryStart
            while index < data.endIndex, data[index] != UInt8(ascii: "#") { index += 1 }
            query = data[queryStart..<index]
        }
        return ScannedURL(host: ASCII.string(hostBytes.map(ASCII.lowercased)), path: path, query: query)
    }

    /// `key=value` pairs of the query, raw (still percent-encoded); a key without `=` has an empty value.
    var queryPairs: [(key: ArraySlice<UInt8>, value: ArraySlice<UInt8>)] {
        self.query.split(separator: UInt8(ascii: "&")).map { pair in
            guard let equals = pair.firstIndex(of: UInt8(ascii: "=")) else { return (pair, pair[pair.endIndex...]) }
            return (pair[pair.startIndex..<equals], pair[(equals + 1)...])
        }
    }
}
