import StoregateCore
import Testing

/// The golden table: every recognised form, valid and invalid, with the id or error codes it must give.
@Suite struct GoldenCodeTests {
    struct Row: CustomTestStringConvertible, Sendable {
        var line: Int
        var input: String
        var gsSubstitute: UInt8?
        var kind: String
        var id: String?
        var errors: Set<String>
        var note: String

        var testDescription: String { "line \(self.line): \(self.input) \(self.note)" }
    }

    static let brandScheme = BrandScheme(
        name: "qb", hosts: ["q.brand.cn"], pathPrefix: "/c/",
        tokenAlphabet: "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", tokenLength: 6...32
    )

    static func rows() throws -> [Row] {
        var rows: [Row] = []
        for (offset, line) in try FixtureFiles.text("golden-codes.tsv").split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 5 else {
                throw FixtureFiles.FixtureError(message: "golden-codes.tsv line \(offset + 1) has \(fields.count) fields")
            }
            let options = fields[1]
            rows.append(Row(
                line: offset + 1,
                input: fields[0],
                gsSubstitute: options.hasPrefix("gs=") ? options.utf8.last : nil,
                kind: fields[2],
                id: fields[3] == "-" ? nil : fields[3],
                errors: fields[4] == "-" ? [] : Set(fields[4].split(separator: ",").map(String.init)),
                note: fields.count > 5 ? fields[5] : ""
            ))
        }
        return rows
    }

    @Test func goldenTableIsLargeAndCoversEveryKind() throws {
        let rows = try Self.rows()
        #expect(rows.count >= 100)
        #expect(Set(rows.map(\.kind)) == Set(CodeKind.allCases.map(\.rawValue)))
    }

    @Test(arguments: try GoldenCodeTests.rows())
    func scanGivesTheGoldenResult(_ row: Row) {
        let parser = CodeParser(schemes: [Self.brandScheme], gsSubstitute: row.gsSubstitute)
        let code = parser.parse(ScanEscapes.bytes(row.input))
        #expect(code.kind.rawValue == row.kind)
        #expect(code.id == row.id)
        #expect(Set(code.errors.map(\.code)) == row.errors, "\(code.errors)")
        #expect(code.valid == row.errors.isEmpty)
        #expect((code.id == nil) == (code.identityKind == .none))
        for issue in code.errors {
            #expect(ParseErrorCode(rawValue: issue.code) != nil, "undocumented code \(issue.code)")
            #expect(!issue.message.isEmpty)
        }
    }

    @Test func everyErrorCodeAppearsInTheGoldenTable() throws {
        let seen = Set(try Self.rows().flatMap(\.errors))
        // too_long has its own test; incomplete_scan comes from the scan source, never from parsing bytes.
        let notFromTheTable: Set<String> = ["too_long", "incomplete_scan"]
        let missing = ParseErrorCode.allCases.map(\.rawValue).filter { !seen.contains($0) && !notFromTheTable.contains($0) }
        #expect(missing == [])
    }
}
