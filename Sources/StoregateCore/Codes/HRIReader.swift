/// Reads the human-readable form of an element string: `(01)09506000134352(17)271231(10)ABC`.
///
/// A value may itself contain parentheses (character set 82 allows them), so a value ends only where `(` starts a
/// known AI followed by `)`.
enum HRIReader {
    static func read(_ data: ArraySlice<UInt8>, into issues: inout [ParseIssue]) -> [GS1RawElement] {
        var elements: [GS1RawElement] = []
        var index = data.startIndex
        guard let (firstDefinition, firstAI, firstValueStart) = self.aiHeader(data, at: index) else {
            issues.append(ParseIssue(.badHRI, "\(ASCII.quoted(data.prefix(8))) does not start with a GS1 AI in parentheses, e.g. (01)"))
            return []
        }
        var definition = firstDefinition
        var ai = firstAI
        index = firstValueStart
        var valueStart = firstValueStart
        while true {
            var end = index
            var next: (GS1ApplicationIdentifier, String, Int)?
            while end < data.endIndex {
                if data[end] == UInt8(ascii: "("), let header = self.aiHeader(data, at: end) {
                    next = header
                    break
                }
                end += 1
            }
            let value = data[valueStart..<end]
            if value.contains(ASCII.groupSeparator) {
                issues.append(ParseIssue(.badHRI, ai: ai, "AI \(ai): a GS separator inside the parenthesised form; use one form or the other"))
            }
            elements.append(GS1RawElement(ai: ai, definition: definition, value: Array(value.filter { $0 != ASCII.groupSeparator })))
            guard let (nextDefinition, nextAI, nextStart) = next else { break }
            definition = nextDefinition
            ai = nextAI
            valueStart = nextStart
            index = nextStart
        }
        return elements
    }

    /// `(` + a known AI + `)` at `index`: the definition, the AI and where its value starts.
    private static func aiHeader(_ data: ArraySlice<UInt8>, at index: Int) -> (GS1ApplicationIdentifier, String, Int)? {
        guard index < data.endIndex, data[index] == UInt8(ascii: "("),
            let (definition, length) = GS1ApplicationIdentifier.lookup(data[(index + 1)...]),
            index + 1 + length < data.endIndex, data[index + 1 + length] == UInt8(ascii: ")")
        else { return nil }
        return (definition, ASCII.string(data[(index + 1)..<(index + 1 + length)]), index + 2 + length)
    }
}
