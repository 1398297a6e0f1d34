/// Checks one AI's value against its components: length, character set and the enforced linters.
enum GS1ValueValidator {
    /// Appends at most one issue: the first problem found is the one worth telling the operator about.
    static func validate(_ element: GS1RawElement, dates: GS1DateRules, into issues: inout [ParseIssue]) {
        let ai = element.ai
        let definition = element.definition
        let value = element.value[...]
        var index = value.startIndex
        for component in definition.components {
            let remaining = value.endIndex - index
            if remaining == 0 && component.isOptional { break }
            let isFixed = component.length.lowerBound == component.length.upperBound
            guard remaining >= component.length.lowerBound, remaining > 0 else {
                issues.append(self.lengthIssue(element))
                return
            }
            let take = isFixed ? component.length.upperBound : min(remaining, component.length.upperBound)
            let part = value[index..<(index + take)]
            if let offset = component.characterSet.firstInvalidOffset(in: part) {
                let position = index - value.startIndex + offset
                let byte = value[index + offset]
                issues.append(ParseIssue(
                    .badCharacter, ai: ai,
                    "AI \(ai): character '\(ASCII.quoted([byte]))' at position \(position + 1) of "
                        + "\(ASCII.quoted(value)) is not allowed (\(component.characterSet.name) only)"
                ))
                return
            }
            for linter in component.linters where linter.isEnforced {
                if let failure = linter.check(part, dates: dates) {
                    issues.append(ParseIssue(failure.code, ai: ai, "AI \(ai): \(ASCII.quoted(part)) \(failure.problem)"))
                    return
                }
            }
            index += take
        }
        if index < value.endIndex {
            issues.append(self.lengthIssue(element))
        }
    }

    static func lengthIssue(_ element: GS1RawElement) -> ParseIssue {
        let ai = element.ai
        let shown = element.value.isEmpty ? "the value is empty" : "\(ASCII.quoted(element.value)) is \(element.value.count) characters"
        return ParseIssue(.badLength, ai: ai, "AI \(ai): \(shown); AI \(ai) (\(element.definition.title)) takes \(self.describeLength(element.definition))")
    }

    /// "14 digits", "1 to 20 characters", "3 to 15 characters".
    static func describeLength(_ definition: GS1ApplicationIdentifier) -> String {
        let minimum = definition.components.reduce(0) { $0 + ($1.isOptional ? 0 : $1.length.lowerBound) }
        let maximum = definition.maximumLength
        let unit = definition.components.allSatisfy { $0.characterSet == .numeric } ? "digits" : "characters"
        return minimum == maximum ? "\(maximum) \(unit)" : "\(minimum) to \(maximum) \(unit)"
    }
}
