/// Reads a GS1 Digital Link URI into AIs and values: uncompressed, fully compressed or partially compressed.
///
/// Uncompressed, the path is `[/prefix…]/<primary key AI>/<value>[/<qualifier AI>/<value>…]`, qualifiers in the order the
/// dictionary's `dlpkey` gives; the query carries data attributes (AIs flagged `?`) and any non-numeric
/// parameters, which are ignored. A GTIN-8/12/13 in the path is zero-padded to 14 digits.
///
/// Compressed (GS1 Digital Link: Compression), the path ends in one base64url segment holding every AI
/// (`/AQnYUc1gmg`), or holding all but the primary key, which stays uncompressed (`/01/05412345000013/EEarwSM`).
/// See ``CompressedDigitalLinkDecoder``.
enum DigitalLinkReader {
    enum Outcome {
        case elements([GS1RawElement])
        /// No primary key and nothing compressed: some other URL.
        case notDigitalLink
    }

    static func read(_ url: ScannedURL, into issues: inout [ParseIssue]) -> Outcome {
        var segments = url.path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        if segments.first?.isEmpty == true { segments.removeFirst() }
        // A trailing slash carries nothing; tolerate it.
        if segments.count > 1, segments.last?.isEmpty == true { segments.removeLast() }

        guard let keyIndex = self.primaryKeyIndex(segments) else {
            if let last = segments.last {
                // Partially compressed: the primary key and its value stay readable before the compressed rest,
                // which may then be short (one AI and value fit in 2 characters). A last segment that is itself
                // an AI is an AI without its value instead.
                let keyIndex = segments.count - 3
                if keyIndex >= 0, self.isPrimaryKey(segments[keyIndex]), self.looksCompressed(last, minimumLength: 2),
                    !self.isAI(last)
                {
                    return .elements(self.readCompressed(url, key: segments[keyIndex...].dropLast(), last, issues: &issues))
                }
                if self.looksCompressed(last, minimumLength: 8), !segments.dropLast().contains(where: { self.isPrimaryKey($0) }) {
                    return .elements(self.readCompressed(url, key: [], last, issues: &issues))
                }
            }
            if let stray = segments.first(where: { self.isPrimaryKey($0) }) {
                issues.append(ParseIssue(
                    .badURI, ai: ASCII.string(stray),
                    "Digital Link path \(ASCII.quoted(url.path, limit: 60)) does not pair every AI with a value after primary key \(ASCII.string(stray))"
                ))
                return .elements([])
            }
            return .notDigitalLink
        }
        var elements: [GS1RawElement] = []
        guard self.readPathPairs(segments[keyIndex...], into: &elements, issues: &issues) else { return .elements(elements) }
        let pathAIs = elements.map(\.ai)
        self.checkQualifiers(pathAIs, into: &issues)
        self.readQuery(url, into: &elements, issues: &issues)
        return .elements(elements)
    }

    /// Reads `/AI/value` pairs; false (after reporting) at the first segment that is no AI or a bad escape.
    private static func readPathPairs(
        _ segments: ArraySlice<ArraySlice<UInt8>>, into elements: inout [GS1RawElement], issues: inout [ParseIssue]
    ) -> Bool {
        var index = segments.startIndex
        while index + 1 < segments.endIndex {
            let aiBytes = segments[index]
            guard let (definition, length) = GS1ApplicationIdentifier.lookup(aiBytes), length == aiBytes.count else {
                issues.append(ParseIssue(.unknownAI, "Digital Link path segment \(ASCII.quoted(aiBytes)) is not a GS1 application identifier"))
                return false
            }
            let ai = ASCII.string(aiBytes)
            guard var value = PercentEncoding.decode(segments[index + 1]) else {
                issues.append(ParseIssue(.badPercentEncoding, ai: ai, "AI \(ai): the path value has a '%' that does not start a %XX escape"))
                return false
            }
            if ai == "01" && [8, 12, 13].contains(value.count) && ASCII.isAllDigits(value) {
                value = [UInt8](repeating: UInt8(ascii: "0"), count: 14 - value.count) + value
            }
            elements.append(GS1RawElement(ai: ai, definition: definition, value: value))
            index += 2
        }
        return true
    }

    /// A final path segment that can only be compressed data: base64url characters (8 or more when nothing
    /// else in the path says it is a Digital Link). `=` and `+` are let in so that padded or standard-alphabet
    /// base64, a common encoder mistake, is named as such.
    private static func looksCompressed(_ segment: ArraySlice<UInt8>, minimumLength: Int) -> Bool {
        segment.count >= minimumLength && segment.allSatisfy {
            CompressionFormat.ValueEncoding.base64urlIndex($0) != nil || $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: "+")
        }
    }

    /// The uncompressed `key` pair (empty when fully compressed), the decoded segment, then the query's attributes.
    /// Elements come out in the uncompressed form's order (primary key, its qualifiers, the rest as encoded), so
    /// both forms of one code give the same ``ParsedCode``. The path order rules do not apply: the standard's
    /// encoder sorts AIs and groups them by optimisation code.
    private static func readCompressed(
        _ url: ScannedURL, key: ArraySlice<ArraySlice<UInt8>>, _ compressed: ArraySlice<UInt8>, issues: inout [ParseIssue]
    ) -> [GS1RawElement] {
        var elements: [GS1RawElement] = []
        guard self.readPathPairs(key, into: &elements, issues: &issues),
            let decoded = CompressedDigitalLinkDecoder.decode(compressed, into: &issues)
        else { return elements }
        elements = self.inUncompressedOrder(elements + decoded)
        self.readQuery(url, into: &elements, issues: &issues)
        return elements
    }

    private static func inUncompressedOrder(_ elements: [GS1RawElement]) -> [GS1RawElement] {
        guard let keyIndex = elements.firstIndex(where: { $0.definition.digitalLinkQualifiers != nil }) else { return elements }
        var rest = elements
        let key = rest.remove(at: keyIndex)
        let present = Set(rest.map(\.ai))
        let sequence = key.definition.digitalLinkQualifiers?.first { $0.contains(where: present.contains) } ?? []
        var ordered = [key]
        for qualifier in sequence {
            if let index = rest.firstIndex(where: { $0.ai == qualifier }) {
                ordered.append(rest.remove(at: index))
            }
        }
        return ordered + rest
    }

    /// The first segment that is a primary-key AI followed by an even number of segments (key/value pairs).
    private static func primaryKeyIndex(_ segments: [ArraySlice<UInt8>]) -> Int? {
        var index = 0
        while index + 1 < segments.count {
            let segment = segments[index]
            if (segments.count - index) % 2 == 0, self.isPrimaryKey(segment) {
                return index
            }
            index += 1
        }
        return nil
    }

    private static func isAI(_ segment: ArraySlice<UInt8>) -> Bool {
        GS1ApplicationIdentifier.lookup(segment)?.length == segment.count
    }

    private static func isPrimaryKey(_ segment: ArraySlice<UInt8>) -> Bool {
        guard let (definition, length) = GS1ApplicationIdentifier.lookup(segment), length == segment.count else { return false }
        return definition.digitalLinkQualifiers != nil
    }

    /// Qualifiers must follow one of the key's alternative sequences, in order, without mixing alternatives.
    private static func checkQualifiers(_ pathAIs: [String], into issues: inout [ParseIssue]) {
        guard let key = pathAIs.first, let definition = GS1ApplicationIdentifier.definition(for: key),
            let alternatives = definition.digitalLinkQualifiers
        else { return }
        let qualifiers = Array(pathAIs.dropFirst())
        guard !qualifiers.isEmpty else { return }
        let inOrder = alternatives.contains { sequence in
            var position = 0
            for qualifier in qualifiers {
                guard let found = sequence[position...].firstIndex(of: qualifier) else { return false }
                position = found + 1
            }
            return true
        }
        if inOrder { return }
        let allowed = Set(alternatives.joined())
        if let stranger = qualifiers.first(where: { !allowed.contains($0) }) {
            let hint = GS1ApplicationIdentifier.definition(for: stranger)?.digitalLinkAttribute == true ? " (put it in the query: ?\(stranger)=…)" : ""
            issues.append(ParseIssue(
                .digitalLinkBadQualifier, ai: stranger,
                "AI \(stranger) is not a Digital Link path qualifier of AI \(key)\(hint)"
            ))
        } else {
            let orders = alternatives.map { "/" + ([key] + $0).joined(separator: "/…/") }.joined(separator: " or ")
            issues.append(ParseIssue(
                .digitalLinkQualifierOrder, ai: key,
                "Digital Link path qualifiers \(qualifiers.joined(separator: ", ")) are out of order; the order is \(orders)"
            ))
        }
    }

    private static func readQuery(_ url: ScannedURL, into elements: inout [GS1RawElement], issues: inout [ParseIssue]) {
        for (rawKey, rawValue) in url.queryPairs {
            guard let key = PercentEncoding.decode(rawKey), ASCII.isAllDigits(key) else { continue }
            let ai = ASCII.string(key)
            guard let (definition, length) = GS1ApplicationIdentifier.lookup(key[...]), length == key.count else {
                issues.append(ParseIssue(.unknownAI, ai: ai, "Digital Link query parameter \(ASCII.quoted(key)) is numeric but not a GS1 application identifier"))
                continue
            }
            guard definition.digitalLinkAttribute else {
                issues.append(ParseIssue(.digitalLinkNotAttribute, ai: ai, "AI \(ai) (\(definition.title)) may not be a Digital Link query attribute; it belongs in the path"))
                continue
            }
            // Query values may also use '+' for space in form encoding; GS1 values have no spaces, so '+' stays '+'.
            guard let value = PercentEncoding.decode(rawValue) else {
                issues.append(ParseIssue(.badPercentEncoding, ai: ai, "AI \(ai): the query value has a '%' that does not start a %XX escape"))
                continue
            }
            elements.append(GS1RawElement(ai: ai, definition: definition, value: value))
        }
    }
}
