import ArgumentParser
import Foundation
import StoregateCore
import StoregateTrust

/// Parses a fixed corpus of realistic scans in a loop and prints scans per second for each form.
struct BenchParseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Scans parsed per second, per code form."
    )

    @Option(help: "Scans parsed per form.")
    var count = 200_000

    @OptionGroup var output: OutputOptions

    struct Figure: Encodable {
        var form: String
        var scans: Int
        var seconds: Double
        var scansPerSecond: Double
    }

    func run() async throws {
        let parser = CodeParser(schemes: [
            BrandScheme(name: "demo", hosts: ["q.brand.example"], pathPrefix: "/c/",
                        tokenAlphabet: "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ", tokenLength: 6...32),
        ])
        var figures: [Figure] = []
        for (form, corpus) in Self.corpus() {
            let scans = corpus.map { Array($0.utf8) }
            var validCount = 0
            let clock = ContinuousClock()
            let elapsed = clock.measure {
                for index in 0..<self.count where parser.parse(scans[index % scans.count]).valid {
                    validCount += 1
                }
            }
            guard validCount == self.count else {
                throw ValidationError("benchmark corpus for \(form) has invalid scans (\(validCount)/\(self.count) valid)")
            }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            figures.append(Figure(form: form, scans: self.count, seconds: seconds, scansPerSecond: Double(self.count) / seconds))
        }
        if self.output.json {
            try printJSON(figures)
        } else {
            for figure in figures {
                print("parse \(figure.form.padding(toLength: 22, withPad: " ", startingAt: 0)) \(Int(figure.scansPerSecond)) scans/s")
            }
        }
    }

    /// 1,000 distinct scans per form, shaped like what store scanners send.
    private static func corpus() -> [(String, [String])] {
        let issuer = SignedCodeIssuer(key: CodeSigningKey.generate(keyID: "b1"))
        let gtin = "09506000134352"
        let serials = (0..<1000).map { "S\(100_000 + $0)X" }
        let gs = "\u{1D}"
        return [
            ("gs1_datamatrix", serials.map { "]d201\(gtin)17271231\(gs)10LOT42\(gs)21\($0)" }),
            ("gs1_signed", serials.map { "]d2" + issuer.code(gtin: gtin, serial: $0, lot: "LOT42", expiry: "271231", format: .gs1) }),
            ("digital_link", serials.map { "https://id.example.com/01/\(gtin)/21/\($0)?17=271231&10=LOT42" }),
            ("brand_url", serials.map { "https://q.brand.example/c/7GQ2\($0.dropFirst())" }),
            ("retail_ean13", (0..<1000).map { _ in "4006381333931" }),
        ]
    }
}
