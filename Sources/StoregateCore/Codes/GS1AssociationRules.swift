/// GS1's rules about which AIs go together: `req` (an AI needs others) and `ex` (AIs that must not be combined).
enum GS1AssociationRules {
    static func check(_ elements: [GS1RawElement], into issues: inout [ParseIssue]) {
        let present = elements.map(\.ai)
        var reportedPairs: Set<String> = []
        for element in elements {
            for pattern in element.definition.excludes {
                // An AI is not exclusive of itself even if it matches a pattern (dictionary note).
                for other in present where other != element.ai && GS1ApplicationIdentifier.matches(other, pattern: pattern) {
                    let pair = min(element.ai, other) + "+" + max(element.ai, other)
                    guard reportedPairs.insert(pair).inserted else { continue }
                    issues.append(ParseIssue(
                        .excludedAIPair, ai: element.ai,
                        "AI \(element.ai) (\(element.definition.title)) must not appear together with AI \(other)"
                    ))
                }
            }
            for requirement in element.definition.requires {
                let met = requirement.contains { alternative in
                    alternative.allSatisfy { pattern in
                        present.contains { GS1ApplicationIdentifier.matches($0, pattern: pattern) }
                    }
                }
                if !met {
                    let options = requirement.map { $0.joined(separator: " with ") }
                    issues.append(ParseIssue(
                        .missingRequiredAI, ai: element.ai,
                        "AI \(element.ai) (\(element.definition.title)) needs AI \(self.orList(options)) in the same code"
                    ))
                }
            }
        }
    }

    private static func orList(_ items: [String]) -> String {
        guard items.count > 1, let last = items.last else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " or " + last
    }
}
