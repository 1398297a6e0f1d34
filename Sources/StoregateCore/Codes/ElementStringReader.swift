/// Splits a GS1 element string (`01095060001343521727123110ABC<GS>21XYZ`) into AIs and values.
///
/// Predefined-length AIs (dictionary flag `*`) take their fixed length; every other AI runs to the next GS or the
/// end. Scanners that drop GS are the most common field problem, so a value that overruns its maximum, or ends in
/// what is plainly another AI, is reported as `gs_missing` rather than as a confusing length error.
enum ElementStringReader {
    /// Fixed-length AIs that, found at the very end of a variable-length value, mean a GS was lost before them.
    private static let swallowedCandidates = ["17", "15", "16", "11", "13", "12", "01", "00"]

    /// - Parameter data: the scan after the AIM prefix, with any GS substitute already turned into GS.
    static func read(_ data: ArraySlice<UInt8>, dates: GS1DateRules, into issues: inout [ParseIssue]) -> [GS1RawElement] {
        var elements: [GS1RawElement] = []
        var index = data.startIndex
        while index < data.endIndex {
            if data[index] == ASCII.groupSeparator {
                // A leading FNC1/GS and doubled separators carry no data.
                index += 1
                continue
            }
            guard let (definition, aiLength) = GS1ApplicationIdentifier.lookup(data[index...]) else {
                let shown = data[index...].prefix(4)
                issues.append(ParseIssue(
                    .unknownAI,
                    "at position \(index - data.startIndex + 1): \(ASCII.quoted(shown)) does not start a GS1 application identifier"
                ))
                break
            }
            let ai = ASCII.string(data[index..<(index + aiLength)])
            index += aiLength
            var end = index
            if definition.predefinedLength, let fixed = definition.fixedLength {
                while end < data.endIndex && end - index < fixed && data[end] != ASCII.groupSeparator { end += 1 }
            } else {
                while end < data.endIndex && data[end] != ASCII.groupSeparator { end += 1 }
            }
            var element = GS1RawElement(ai: ai, definition: definition, value: Array(data[index..<end]))
            if !definition.predefinedLength {
                self.reportLostSeparator(in: &element, present: elements, dates: dates, into: &issues)
            }
            elements.append(element)
            index = end
            if index < data.endIndex && data[index] == ASCII.groupSeparator { index += 1 }
        }
        return elements
    }

    private static func reportLostSeparator(
        in element: inout GS1RawElement,
        present: [GS1RawElement],
        dates: GS1DateRules,
        into issues: inout [ParseIssue]
    ) {
        let ai = element.ai
        let value = element.value
        if value.count > element.definition.maximumLength {
            element.alreadyReported = true
            issues.append(ParseIssue(
                .gsMissing, ai: ai,
                "AI \(ai): \(ASCII.quoted(value)) is \(value.count) characters, more than the \(element.definition.maximumLength) "
                    + "allowed; a GS separator was probably lost after it. Check that the scanner transmits GS (FNC1)"
            ))
            return
        }
        // All-digit serials legitimately end in digit runs that look like AIs; only mixed values are suspicious.
        guard value.contains(where: { !ASCII.isDigit($0) }) else { return }
        for candidate in self.swallowedCandidates where !present.contains(where: { $0.ai == candidate }) {
            guard let definition = GS1ApplicationIdentifier.definition(for: candidate),
                let fixed = definition.fixedLength
            else { continue }
            let tailLength = candidate.utf8.count + fixed
            guard value.count > tailLength else { continue }
            let tail = value.suffix(tailLength)
            guard tail.starts(with: candidate.utf8), ASCII.isAllDigits(tail) else { continue }
            var probe: [ParseIssue] = []
            let swallowed = GS1RawElement(ai: candidate, definition: definition, value: Array(tail.dropFirst(candidate.utf8.count)))
            GS1ValueValidator.validate(swallowed, dates: dates, into: &probe)
            guard probe.isEmpty else { continue }
            element.alreadyReported = true
            issues.append(ParseIssue(
                .gsMissing, ai: ai,
                "AI \(ai): \(ASCII.quoted(value)) ends in what looks like AI \(candidate) (\(definition.title)) "
                    + "\(ASCII.quoted(swallowed.value)); a GS separator was probably lost. Check that the scanner transmits GS (FNC1)"
            ))
            return
        }
    }
}
