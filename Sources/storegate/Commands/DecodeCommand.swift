import ArgumentParser
import Foundation
import StoregateCore
import StoregateScanners

/// `storegate decode`: decode a report capture offline, as the live device would have been decoded.
struct DecodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode a capture of raw scanner reports (one hex report per line on stdin) into scans.",
        discussion: """
            Input: one report per line in hex, optionally preceded by its arrival time in seconds (with a dot), e.g. \
            '0.001012 0000300000000000'; '#' starts a comment; a '#!storegate-capture kind=… layout=… descriptor=…' \
            header line sets defaults (see docs/scanners.md). Output: one line per scan, GS shown as {GS}; scans cut \
            short (no terminator before the end or a pause, truncated HID POS reports) are marked incomplete.
            Examples:
              storegate decode --layout de < capture.hex
              storegate decode --kind hidpos --descriptor 058c0902a101… --json < pos.hex
            """
    )

    @Option(help: "Keyboard layout the scanner was set to: \(KeyboardLayout.all.map(\.name).joined(separator: ", ")).")
    var layout: String?

    @Option(help: "Scanner kind: keyboard (boot keyboard reports) or hidpos (needs --descriptor or a header).")
    var kind: String?

    @Option(help: "The HID POS report descriptor in hex.")
    var descriptor: String?

    @Option(help: "What ends a scan: enter (default), tab, none (pause only) or hex bytes.")
    var suffix: String?

    @Option(help: "Milliseconds without a report that end (suffix none) or cut short a scan (default 250).")
    var timeout: Int64?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let layout = self.layout, KeyboardLayout.named(layout) == nil {
            throw ValidationError("--layout \(layout): not one of \(KeyboardLayout.all.map(\.name).joined(separator: ", "))")
        }
        if let kind = self.kind, kind != "keyboard", kind != "hidpos" {
            throw ValidationError("--kind \(kind): expected keyboard or hidpos")
        }
    }

    func run() async throws {
        let text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        var capture = try ReportCapture(parsing: text)
        if let layout = self.layout { capture.header["layout"] = layout }
        if let kind = self.kind { capture.header["kind"] = kind }
        if let descriptor = self.descriptor { capture.header["descriptor"] = descriptor }
        if let suffix = self.suffix { capture.header["suffix"] = suffix }
        if let timeout = self.timeout { capture.header["timeout"] = String(timeout) }
        var decoder = try ReplaySource.decoder(for: capture, assignment: LaneAssignment())
        for segment in decoder.decode(capture) {
            if self.output.json {
                try printJSON(DecodedScanJSON(segment))
            } else {
                let text = ScanLineFormat.escape(segment.bytes)
                let symbology = segment.symbology.map { "[\($0.identifier)] " } ?? ""
                print(segment.complete ? "\(symbology)\(text)" : "(incomplete) \(symbology)\(text)")
            }
        }
    }
}

/// One decoded scan as JSON: `text` (GS as \u001d), `complete`, `symbology`, `vendor_symbology`, times in ms.
struct DecodedScanJSON: Encodable {
    let text: String
    let complete: Bool
    let symbology: String?
    let vendor_symbology: Int?
    let first_ms: Int64
    let last_ms: Int64

    init(_ segment: ScanSegment) {
        self.text = String(decoding: segment.bytes, as: UTF8.self)
        self.complete = segment.complete
        self.symbology = segment.symbology?.identifier
        self.vendor_symbology = segment.vendorSymbology.map { Int($0) }
        self.first_ms = segment.firstReport.milliseconds
        self.last_ms = segment.lastReport.milliseconds
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.text, forKey: .text)
        try container.encode(self.complete, forKey: .complete)
        try container.encode(self.symbology, forKey: .symbology)
        try container.encode(self.vendor_symbology, forKey: .vendor_symbology)
        try container.encode(self.first_ms, forKey: .first_ms)
        try container.encode(self.last_ms, forKey: .last_ms)
    }

    private enum CodingKeys: String, CodingKey { case text, complete, symbology, vendor_symbology, first_ms, last_ms }
}
