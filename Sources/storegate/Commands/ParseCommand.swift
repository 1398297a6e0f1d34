import ArgumentParser
import Foundation
import StoregateCore
import StoregateGateway

/// `storegate parse`: what a scan is, its canonical id, and every problem found.
struct ParseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Print what a scan is: kind, canonical id, GS1 fields, signature and every problem found.",
        discussion: """
            SCAN is taken from the argument, where {GS}, <GS> and \\x1d stand for the GS separator (0x1D); without an \
            argument the raw bytes are read from standard input (one trailing newline is removed).
            Exit status: 0 valid, 1 invalid, 2 usage error.
            Examples:
              storegate parse ']d201095060001343521727123110ABC{GS}21XYZ'
              storegate parse --json 'https://id.example.com/01/09506000134352/21/XYZ?17=271231'
              storegate parse --scheme brand=q.brand.cn/c/ https://q.brand.cn/c/7GQ2XK9P4M
            """
    )

    @OptionGroup var output: OutputOptions
    @OptionGroup var codeOptions: CodeParserOptions

    @Argument(help: "The scan; read from standard input when left out.")
    var scan: String?

    func run() async throws {
        let bytes: [UInt8]
        if let scan = self.scan {
            bytes = ScanText.unescapingSeparators(scan)
        } else {
            bytes = ScanText.removingOneTrailingNewline(Array(FileHandle.standardInput.readDataToEndOfFile()))
        }
        let parser = try self.codeOptions.makeParser()
        let code = parser.parse(bytes)
        if self.output.json {
            try printJSON(ParsedCodeJSON(code))
        } else {
            print(ParsedCodeText.render(code))
        }
        if !code.valid { throw ExitCode(1) }
    }
}

/// Options every command that parses scans shares: the GS substitute and brand code schemes.
struct CodeParserOptions: ParsableArguments {
    @Option(name: .long, help: "A character the scanner sends instead of GS (0x1D), e.g. '|' or '~'.")
    var gsSubstitute: String?

    @Option(
        name: .customLong("scheme"),
        help: "A brand code scheme NAME=HOST/PATH-PREFIX (repeatable); tokens are 4-64 letters and digits."
    )
    var schemes: [String] = []

    func validate() throws {
        _ = try self.makeParser()
    }

    func makeParser() throws -> CodeParser {
        var substitute: UInt8?
        if let text = self.gsSubstitute {
            let bytes = Array(text.utf8)
            guard bytes.count == 1, bytes[0] > 0x20, bytes[0] < 0x7F else {
                throw ValidationError("--gs-substitute: \(text) is not one printable ASCII character")
            }
            substitute = bytes[0]
        }
        let schemes = try self.schemes.map(Self.scheme(from:))
        let year = Calendar(identifier: .gregorian).component(.year, from: Date())
        return CodeParser(schemes: schemes, gsSubstitute: substitute, dates: GS1DateRules(referenceYear: year))
    }

    /// `name=host/prefix/` → a scheme whose token follows the prefix.
    static func scheme(from text: String) throws -> BrandScheme {
        let parts = text.split(separator: "=", maxSplits: 1)
        guard parts.count == 2, let slash = parts[1].firstIndex(of: "/"), !parts[0].isEmpty,
            parts[1].startIndex != slash
        else {
            throw ValidationError("--scheme \(text): expected NAME=HOST/PATH-PREFIX, e.g. brand=q.brand.cn/c/")
        }
        let host = String(parts[1][..<slash]).lowercased()
        var prefix = String(parts[1][slash...])
        if !prefix.hasSuffix("/") { prefix += "/" }
        return BrandScheme(
            name: String(parts[0]),
            hosts: [host],
            pathPrefix: prefix,
            tokenAlphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
            tokenLength: 4...64
        )
    }
}

/// The JSON shape of `storegate parse --json` (documented in docs/codes.md); absent values are `null`.
struct ParsedCodeJSON: Encodable {
    let code: ParsedCode

    init(_ code: ParsedCode) {
        self.code = code
    }

    private enum Keys: String, CodingKey {
        case kind, symbology, id, identity, gtin, serial, lot, expiry, ais, signature, valid, errors
    }

    private struct Issue: Encodable {
        let code: String
        let ai: String?
        let message: String

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.code, forKey: .code)
            try container.encode(self.ai, forKey: .ai)
            try container.encode(self.message, forKey: .message)
        }

        private enum CodingKeys: String, CodingKey { case code, ai, message }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(self.code.kind.rawValue, forKey: .kind)
        try container.encode(self.code.symbology?.identifier, forKey: .symbology)
        try container.encode(self.code.id, forKey: .id)
        try container.encode(self.code.identityKind.rawValue, forKey: .identity)
        try container.encode(self.code.gtin, forKey: .gtin)
        try container.encode(self.code.serial, forKey: .serial)
        try container.encode(self.code.lot, forKey: .lot)
        try container.encode(self.code.expiry?.description, forKey: .expiry)
        var ais: [String: String] = [:]
        for element in self.code.ais where ais[element.ai] == nil { ais[element.ai] = element.value }
        try container.encode(ais, forKey: .ais)
        try container.encode(self.code.signature?.keyID, forKey: .signature)
        try container.encode(self.code.valid, forKey: .valid)
        try container.encode(self.code.errors.map { Issue(code: $0.code, ai: $0.ai, message: $0.message) }, forKey: .errors)
    }
}

/// The human form of `storegate parse`: a few aligned lines.
enum ParsedCodeText {
    static func render(_ code: ParsedCode) -> String {
        var lines: [String] = []
        let symbology = code.symbology.map { " (\($0.identifier))" } ?? ""
        lines.append("\(code.valid ? "valid" : "INVALID") \(code.kind.rawValue)\(symbology)")
        func add(_ label: String, _ value: String?) {
            if let value { lines.append(label.padding(toLength: 10, withPad: " ", startingAt: 0) + value) }
        }
        add("id", code.id.map { "\($0)  [\(code.identityKind.rawValue)]" })
        add("gtin", code.gtin)
        add("serial", code.serial)
        add("lot", code.lot)
        add("expiry", code.expiry?.description)
        add("signature", code.signature.map { "key \($0.keyID)" })
        for element in code.ais {
            add("(\(element.ai))", element.value)
        }
        for issue in code.errors {
            lines.append("error     \(issue.code): \(issue.message)")
        }
        return lines.joined(separator: "\n")
    }
}
