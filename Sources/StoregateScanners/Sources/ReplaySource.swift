public import StoregateCore

/// Plays back a file: what tests, the demo and a technician reproducing a problem use.
///
/// Two formats (see docs/scanners.md):
/// - scan lines: one scan per line, `{GS}` for 0x1D and `{xHH}` for any other byte; blank lines and lines starting
///   with `#` are skipped;
/// - a report capture (first line `#!storegate-capture …`, see ``ReportCapture``): raw reports decoded as the live
///   device would be, so replaying a capture reproduces layout, segmentation and incomplete-scan behaviour.
public struct ReplaySource: ScanSource {
    public let name: String
    public let text: String
    public let assignment: LaneAssignment

    public init(name: String, text: String, assignment: LaneAssignment) {
        self.name = name
        self.text = text
        self.assignment = assignment
    }

    public func run(emit: @Sendable (ScanEvent) async throws -> Void) async throws {
        if self.text.hasPrefix("#!storegate-capture") {
            for event in try Self.decodeCapture(self.text, device: self.name, assignment: self.assignment) {
                try Task.checkCancellation()
                try await emit(event)
            }
            return
        }
        // Split on any line break: in a Swift String "\r\n" is one Character, not "\r" followed by "\n".
        for trimmed in self.text.split(whereSeparator: \.isNewline) {
            try Task.checkCancellation()
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
            let now = SourceClock.now()
            let bytes = ScanLineFormat.unescape(trimmed)
            try await emit(ScanEvent(bytes: bytes, device: self.name, lane: self.assignment.lane, role: self.assignment.role,
                                     firstReport: now, lastReport: now))
        }
    }

    /// Decodes a report capture into scans; the capture's header picks HID POS (with its descriptor) or keyboard
    /// (its `layout` unless the assignment names another than the default). A scan still open at the end of the
    /// capture is emitted incomplete.
    public static func decodeCapture(_ text: String, device: String, assignment: LaneAssignment) throws -> [ScanEvent] {
        let capture = try ReportCapture(parsing: text)
        var decoder = try Self.decoder(for: capture, assignment: assignment)
        return decoder.decode(capture, origin: SourceClock.now()).map {
            ScanEvent(segment: $0, device: device, assignment: assignment)
        }
    }

    /// The decoder a capture's header asks for: HID POS with its descriptor, or keyboard with its layout.
    public static func decoder(for capture: ReportCapture, assignment: LaneAssignment) throws -> ReportScanDecoder {
        if capture.header["kind"] == "hidpos" {
            guard let hex = capture.header["descriptor"], let bytes = ReportCapture.bytes(fromHex: hex) else {
                throw ReportCapture.FormatError(line: 1, message: "kind=hidpos needs descriptor=HEX (the report descriptor)")
            }
            return try ReportScanDecoder.hidPOS(descriptor: try HIDReportDescriptor(parsing: bytes))
        }
        var layout = assignment.layout
        if let name = capture.header["layout"] {
            guard let named = KeyboardLayout.named(name) else {
                throw ReportCapture.FormatError(line: 1, message: "layout=\(name) is not one of us, uk, de, fr")
            }
            layout = named
        }
        var segmentation = assignment.segmentation
        if let suffix = capture.header["suffix"] {
            guard let terminators = ScanSourceSpec.terminators(suffix) else {
                throw ReportCapture.FormatError(line: 1, message: "suffix=\(suffix) is not enter, tab, none or hex bytes")
            }
            segmentation.terminators = terminators
        }
        if let timeout = capture.header["timeout"] {
            guard let milliseconds = Int64(timeout), milliseconds > 0 else {
                throw ReportCapture.FormatError(line: 1, message: "timeout=\(timeout) is not a number of milliseconds")
            }
            segmentation.interKeyTimeoutMilliseconds = milliseconds
        }
        return .keyboard(layout: layout, segmentation: segmentation)
    }
}
