/// Writes GS1 data as scanners deliver it: element strings, the parenthesised HRI form, and Digital Link URIs.
///
/// Used to issue codes (HQ side, demos) and by tests to build scans; the output parses back to the same elements.
public enum GS1CodeWriter {
    /// An element string: predefined-length AIs need no separator; every other AI is followed by `separator`
    /// unless it is last.
    public static func elementString(_ elements: [ElementString], separator: String = "\u{1D}") -> String {
        var out = ""
        for (index, element) in elements.enumerated() {
            out += element.ai + element.value
            let predefined = GS1ApplicationIdentifier.definition(for: element.ai)?.predefinedLength ?? false
            if !predefined && index < elements.count - 1 { out += separator }
        }
        return out
    }

    /// `(01)09506000134352(21)ABC`.
    public static func humanReadable(_ elements: [ElementString]) -> String {
        elements.map { "(\($0.ai))\($0.value)" }.joined()
    }

    /// `https://<host>/01/<gtin>[/<qualifier>/<value>…][?<attribute>=<value>&…]`: the first primary key and its
    /// qualifiers (in dictionary order) go in the path, every other element in the query, all percent-encoded.
    public static func digitalLink(host: String, _ elements: [ElementString]) -> String {
        guard let keyIndex = elements.firstIndex(where: {
            GS1ApplicationIdentifier.definition(for: $0.ai)?.digitalLinkQualifiers != nil
        }) else {
            return "https://\(host)/"
        }
        let key = elements[keyIndex]
        let alternatives = GS1ApplicationIdentifier.definition(for: key.ai)?.digitalLinkQualifiers ?? [[]]
        let present = Set(elements.map(\.ai))
        let sequence = alternatives.first { !$0.filter(present.contains).isEmpty } ?? []
        var path = "/\(key.ai)/\(PercentEncoding.encode(key.value.utf8))"
        var used: Set<String> = [key.ai]
        for qualifier in sequence {
            guard let element = elements.first(where: { $0.ai == qualifier }) else { continue }
            path += "/\(qualifier)/\(PercentEncoding.encode(element.value.utf8))"
            used.insert(qualifier)
        }
        let query = elements.filter { !used.contains($0.ai) }
            .map { "\($0.ai)=\(PercentEncoding.encode($0.value.utf8))" }
        return "https://\(host)\(path)" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
    }
}
