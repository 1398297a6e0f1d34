import Foundation
public import StoregateCore
import StoregateLedger

/// How a scan is typed where no scanner delivers it (a command line, a POS request): GS spelled out.
public enum ScanText {
    /// `{GS}`, `<GS>` and `\x1d` (any case) become the byte 0x1D.
    public static func unescapingSeparators(_ text: String) -> [UInt8] {
        var result = text
        for token in ["{GS}", "<GS>", "{gs}", "<gs>", "\\x1d", "\\x1D", "\\X1D", "\\X1d"] {
            result = result.replacingOccurrences(of: token, with: "\u{1D}")
        }
        return Array(result.utf8)
    }

    public static func removingOneTrailingNewline(_ bytes: [UInt8]) -> [UInt8] {
        if bytes.last == 0x0A {
            let withoutLF = bytes.dropLast()
            return Array(withoutLF.last == 0x0D ? withoutLF.dropLast() : withoutLF)
        }
        return bytes
    }

    /// Scan text (a raw scan or a canonical id) with GS spelled out through the parser; plain canonical ids take
    /// the ledger's fast path, which gives the parser's answer without its work (a test checks they agree).
    public static func parse(_ text: String, parser: CodeParser) -> ParsedCode {
        if let canonical = CanonicalIDFastPath.parsedCode(text) { return canonical }
        // Foundation's replacingOccurrences costs more than a redemption's whole transaction: only call it when
        // a GS spelling ({GS}, <GS>, \x1d) can be there at all.
        let mayHaveSpelledGS = text.utf8.contains { $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "\\") }
        return parser.parse(mayHaveSpelledGS ? Self.unescapingSeparators(text) : Array(text.utf8))
    }
}
