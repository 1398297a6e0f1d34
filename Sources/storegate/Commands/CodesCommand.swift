import ArgumentParser
import Foundation
import StoregateCore
import StoregateTrust

/// `storegate codes`: HQ-side tools for signed codes (key generation, issuing codes for tests and demos).
struct CodesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codes",
        abstract: "HQ-side code tools: generate a signing key, issue signed codes.",
        subcommands: [Keygen.self, Issue.self]
    )

    struct Keygen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "keygen",
            abstract: "Generate an Ed25519 code signing key.",
            discussion: """
                Writes the private key (base64url, one line) to DIR/KEY-ID.key with mode 0600 and prints the public \
                key (base64url) on standard output: give that to gateways as the trusted key for KEY-ID.
                """
        )

        @Option(name: .customLong("key-id"), help: "Key id printed in every code (AI 91), e.g. HQ1.")
        var keyID: String

        @Option(name: .long, help: "Directory for the private key file.")
        var out: String = "."

        func validate() throws {
            try SigningKeyFile.validateKeyID(self.keyID)
        }

        func run() async throws {
            let key = CodeSigningKey.generate(keyID: self.keyID)
            let path = URL(fileURLWithPath: self.out).appendingPathComponent("\(self.keyID).key").path
            guard !FileManager.default.fileExists(atPath: path) else {
                throw ValidationError("\(path) exists; refusing to overwrite a signing key")
            }
            guard FileManager.default.createFile(
                atPath: path, contents: Data((key.privateKeyText + "\n").utf8), attributes: [.posixPermissions: 0o600]
            ) else {
                throw ValidationError("cannot write \(path)")
            }
            printError("wrote private key \(path) (keep it at HQ)")
            print(key.publicKeyText)
        }
    }

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "issue",
            abstract: "Print signed unit codes, one per line.",
            discussion: """
                Each code carries GTIN (01), optional expiry (17) and lot (10), serial (21) = SERIAL-PREFIX + number, \
                and the signature tail: key id (91) and Ed25519 signature (92) over the canonical id \
                01/<gtin>/21/<serial>. Formats: gs1 (element string; GS written as {GS} so each line stays \
                printable — `storegate parse` reads it back), hri ((01)…(21)…), digital-link (https://HOST/01/…/21/…?…). \
                --csv writes an import file (header code,product,lot,expiry) with the Digital Link form.
                Example: storegate codes issue --key HQ1.key --key-id HQ1 --gtin 09506000134352 --count 3 --expiry 271231
                """
        )

        @Option(name: .long, help: "Private key file written by `codes keygen`.")
        var key: String

        @Option(name: .customLong("key-id"), help: "The key's id (AI 91).")
        var keyID: String

        @Option(name: .long, help: "GTIN-8, -12, -13 or -14 with a valid check digit.")
        var gtin: String

        @Option(name: .long, help: "How many codes (1-10000000).")
        var count: Int

        @Option(name: .customLong("serial-prefix"), help: "Text before each serial number.")
        var serialPrefix: String = ""

        @Option(name: .long, help: "First serial number.")
        var start: Int = 1

        @Option(name: .long, help: "gs1, hri or digital-link.")
        var format: String = "gs1"

        @Option(name: .long, help: "Digital Link host.")
        var host: String = "id.gs1.org"

        @Option(name: .long, help: "Lot (AI 10).")
        var lot: String?

        @Option(name: .long, help: "Expiry YYMMDD (AI 17; DD may be 00).")
        var expiry: String?

        @Flag(name: .long, help: "Write an import CSV (code,product,lot,expiry) instead of plain codes.")
        var csv = false

        func validate() throws {
            try SigningKeyFile.validateKeyID(self.keyID)
            guard (1...10_000_000).contains(self.count) else { throw ValidationError("--count must be 1-10000000") }
            guard self.start >= 0, self.start <= Int.max - self.count else { throw ValidationError("--start is out of range") }
            guard SignedCodeIssuer.Format(rawValue: self.format) != nil else {
                throw ValidationError("--format must be gs1, hri or digital-link")
            }
            guard self.normalisedGTIN != nil else {
                throw ValidationError("--gtin \(self.gtin) is not a GTIN-8/12/13/14 with a valid check digit")
            }
            // A sample code must parse cleanly, so a bad lot, expiry or serial prefix fails before any output.
            let sample = CodeParser().parse(GS1CodeWriter.humanReadable(self.sampleElements))
            if let issue = sample.errors.first { throw ValidationError(issue.message) }
        }

        private var normalisedGTIN: String? {
            let digits = Array(self.gtin.utf8)
            guard [8, 12, 13, 14].contains(digits.count), GS1CheckDigits.isValidMod10(digits) else { return nil }
            return String(repeating: "0", count: 14 - digits.count) + self.gtin
        }

        private var sampleElements: [ElementString] {
            var elements = [ElementString(ai: "01", value: self.normalisedGTIN ?? self.gtin)]
            if let expiry = self.expiry { elements.append(ElementString(ai: "17", value: expiry)) }
            if let lot = self.lot { elements.append(ElementString(ai: "10", value: lot)) }
            elements.append(ElementString(ai: "21", value: self.serialPrefix + String(self.start + self.count - 1)))
            return elements
        }

        func run() async throws {
            let signingKey = try SigningKeyFile.read(path: self.key, keyID: self.keyID)
            let issuer = SignedCodeIssuer(key: signingKey)
            let gtin = self.normalisedGTIN ?? self.gtin
            let format = self.csv ? .digitalLink : (SignedCodeIssuer.Format(rawValue: self.format) ?? .gs1)
            let expiryISO = self.expiry.flatMap { GS1DateRules().date(yymmdd: Array($0.utf8)) }?.description ?? ""
            var out = ""
            if self.csv { out += "code,product,lot,expiry\n" }
            for number in self.start..<(self.start + self.count) {
                let code = issuer.code(
                    gtin: gtin, serial: self.serialPrefix + String(number), lot: self.lot, expiry: self.expiry,
                    format: format, host: self.host, separator: "{GS}"
                )
                out += self.csv ? "\(CSVField.escape(code)),\(gtin),\(CSVField.escape(self.lot ?? "")),\(expiryISO)\n" : code + "\n"
                if out.utf8.count >= 1 << 16 {
                    FileHandle.standardOutput.write(Data(out.utf8))
                    out = ""
                }
            }
            FileHandle.standardOutput.write(Data(out.utf8))
        }
    }
}

/// The private key file `codes keygen` writes: the base64url key on one line.
enum SigningKeyFile {
    static func validateKeyID(_ keyID: String) throws {
        // The key id travels in AI 91 and names a file, so it is kept to plain characters.
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
        guard (1...32).contains(keyID.count), keyID.allSatisfy(allowed.contains), !keyID.hasPrefix(".") else {
            throw ValidationError("--key-id \(keyID): use 1-32 letters, digits, '-', '_' or '.'")
        }
    }

    static func read(path: String, keyID: String) throws -> CodeSigningKey {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read key file \(path)")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            return try CodeSigningKey(keyID: keyID, privateKeyText: text)
        } catch {
            throw ValidationError("\(path): \(error.message)")
        }
    }
}

/// RFC 4180 quoting for the few fields that could contain a comma or quote (lot values, URLs).
enum CSVField {
    static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
