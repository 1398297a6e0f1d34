import StoregateCore
import Testing

/// The project's AI table must agree with GS1's Barcode Syntax Dictionary (copied into Fixtures), both ways.
@Suite struct GS1DictionaryCrossCheckTests {
    /// One dictionary row in the same terms as ``GS1ApplicationIdentifier``, read independently of the generator.
    struct DictionaryRow: Equatable, CustomStringConvertible {
        var first: String
        var last: String
        var predefinedLength: Bool
        var digitalLinkAttribute: Bool
        var components: [String]
        var requires: [[[String]]]
        var excludes: [String]
        var qualifiers: [[String]]?
        var title: String

        var description: String { "\(self.first)-\(self.last) \(self.components) req=\(self.requires) ex=\(self.excludes) dl=\(String(describing: self.qualifiers)) \(self.title)" }
    }

    static func dictionaryRows() throws -> [DictionaryRow] {
        var rows: [DictionaryRow] = []
        for line in try FixtureFiles.text("gs1-syntax-dictionary.txt").split(separator: "\n") {
            guard !line.hasPrefix("#"), !line.allSatisfy(\.isWhitespace) else { continue }
            let hash = line.firstIndex(of: "#")
            let body = hash.map { line[..<$0] } ?? line[...]
            let title = hash.map { line[line.index(after: $0)...].trimmingWhitespace() } ?? ""
            var tokens = body.split(whereSeparator: \.isWhitespace).map(String.init)
            let ais = tokens.removeFirst().split(separator: "-").map(String.init)
            var flags = ""
            if let token = tokens.first, token.allSatisfy({ "*?!\"$%&'()+,-./:;<=>@\\^_`{|}~".contains($0) }) {
                flags = tokens.removeFirst()
            }
            var row = DictionaryRow(
                first: ais[0], last: ais.count > 1 ? ais[1] : ais[0],
                predefinedLength: flags.contains("*"), digitalLinkAttribute: flags.contains("?"),
                components: [], requires: [], excludes: [], qualifiers: nil, title: title
            )
            for token in tokens {
                if token.hasPrefix("req=") {
                    row.requires.append(token.dropFirst(4).split(separator: ",").map { $0.split(separator: "+").map(String.init) })
                } else if token.hasPrefix("ex=") {
                    row.excludes += token.dropFirst(3).split(separator: ",").map(String.init)
                } else if token == "dlpkey" {
                    row.qualifiers = [[]]
                } else if token.hasPrefix("dlpkey=") {
                    row.qualifiers = token.dropFirst(7).split(separator: "|").map { $0.split(separator: ",").map(String.init) }
                } else {
                    row.components.append(token)
                }
            }
            rows.append(row)
        }
        return rows
    }

    /// The project's component written back in dictionary notation: `N14,csum`, `[X..16]`, `[N3],iso3166`.
    static func notation(_ component: GS1Component) -> String {
        let fixed = component.length.lowerBound == component.length.upperBound
        // Variable-length components always start at 1 in the dictionary's notation; anything else must not match.
        let length = fixed ? "\(component.length.upperBound)"
            : component.length.lowerBound == 1 ? "..\(component.length.upperBound)" : "\(component.length)"
        var type = component.characterSet.rawValue + length
        if component.isOptional { type = "[\(type)]" }
        return ([type] + component.linters.map(\.rawValue)).joined(separator: ",")
    }

    static func projectRow(_ ai: GS1ApplicationIdentifier) -> DictionaryRow {
        DictionaryRow(
            first: ai.first, last: ai.last, predefinedLength: ai.predefinedLength,
            digitalLinkAttribute: ai.digitalLinkAttribute, components: ai.components.map(self.notation),
            requires: ai.requires, excludes: ai.excludes, qualifiers: ai.digitalLinkQualifiers, title: ai.title
        )
    }

    @Test func everyDictionaryRowIsInTheTableUnchanged() throws {
        let dictionary = try Self.dictionaryRows()
        #expect(dictionary.count > 200)
        let project = Dictionary(GS1ApplicationIdentifier.table.map { ($0.first, Self.projectRow($0)) }, uniquingKeysWith: { a, _ in a })
        for row in dictionary {
            #expect(project[row.first] == row, "dictionary row \(row)")
        }
    }

    @Test func everyTableRowIsInTheDictionary() throws {
        let dictionary = Dictionary(try Self.dictionaryRows().map { ($0.first, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(dictionary.count == GS1ApplicationIdentifier.table.count)
        for ai in GS1ApplicationIdentifier.table {
            #expect(dictionary[ai.first] == Self.projectRow(ai), "table row \(ai.first)")
        }
    }

    @Test func everyLinterNameIsKnownAndEveryKnownLinterIsUsed() throws {
        let used = Set(try Self.dictionaryRows().flatMap(\.components).flatMap { $0.split(separator: ",").dropFirst().map(String.init) })
        #expect(used == Set(GS1Linter.allCases.map(\.rawValue)))
    }

    @Test func everyAIResolvesAndNoAIIsAPrefixOfAnother() {
        let all = GS1ApplicationIdentifier.table.flatMap(\.identifiers)
        #expect(all.count == Set(all).count)
        for ai in all {
            #expect(GS1ApplicationIdentifier.definition(for: ai)?.identifiers.contains(ai) == true, "AI \(ai)")
            #expect(!all.contains { $0 != ai && $0.hasPrefix(ai) }, "AI \(ai) is a prefix of another")
        }
        #expect(GS1ApplicationIdentifier.definition(for: "23") == nil)
        #expect(GS1ApplicationIdentifier.definition(for: "3106") == nil)
    }

    @Test func predefinedLengthAIsAreAllFixedLength() {
        for ai in GS1ApplicationIdentifier.table where ai.predefinedLength {
            #expect(ai.fixedLength != nil, "AI \(ai.first)")
        }
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> String {
        String(self.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
