/// Turns the bytes of one scan into a ``ParsedCode``. Pure and total: any input gives a result, never a crash.
///
/// Recognised, in this order after an optional AIM symbology identifier (`]d2`, `]Q1`, `]E0`…):
/// `http(s)` URLs (a configured ``BrandScheme`` first, else GS1 Digital Link), the parenthesised HRI form
/// `(01)…`, canonical ids (`01/…`, `00/…`, `brand:…`, see ``CanonicalID``), retail EAN/UPC digits (8, 12, 13 or 14
/// digits unless the symbology says GS1), and GS1 element strings. See docs/codes.md.
public struct CodeParser: Sendable {
    /// Longest scan accepted; longer input is rejected as `too_long` before any parsing.
    public static let maximumScanLength = 4096

    public var schemes: [BrandScheme]
    /// A printable character the scanner sends instead of GS (0x1D), e.g. `|` or `~`; nil when it sends GS itself.
    public var gsSubstitute: UInt8?
    /// How two-digit GS1 years get their century.
    public var dates: GS1DateRules

    public init(schemes: [BrandScheme] = [], gsSubstitute: UInt8? = nil, dates: GS1DateRules = GS1DateRules()) {
        self.schemes = schemes
        self.gsSubstitute = gsSubstitute
        self.dates = dates
    }

    /// Parses text, e.g. from a file or a test; scanners deliver bytes, see ``parse(_:)-(Collection<UInt8>)``.
    public func parse(_ text: String) -> ParsedCode {
        self.parse(Array(text.utf8))
    }

    /// Parses the raw bytes of one scan.
    public func parse(_ scan: some Collection<UInt8>) -> ParsedCode {
        guard scan.count <= Self.maximumScanLength else {
            return ParsedCode(kind: .unknown, errors: [ParseIssue(
                .tooLong, "the scan is \(scan.count) bytes; at most \(Self.maximumScanLength) are accepted"
            )])
        }
        var bytes = Array(scan)
        let symbology = Symbology.prefix(of: bytes[...])
        let start = symbology == nil ? 0 : 3
        if let problem = self.normaliseSeparators(&bytes, from: start) {
            return ParsedCode(kind: .unknown, symbology: symbology, errors: [problem])
        }
        let data = bytes[start...]
        guard !data.isEmpty else {
            return ParsedCode(kind: .unknown, symbology: symbology, errors: [ParseIssue(.empty, "the scan is empty")])
        }
        let interpreter = GS1ElementInterpreter(dates: self.dates)

        if ScannedURL.isURL(data) {
            return self.parseURL(data, symbology: symbology, interpreter: interpreter)
        }
        if data.first == UInt8(ascii: "(") {
            var issues: [ParseIssue] = []
            let elements = HRIReader.read(data, into: &issues)
            return interpreter.interpret(elements, kind: .gs1, symbology: symbology, issues: issues)
        }
        if CanonicalIDReader.looksCanonical(data) {
            var code = CanonicalIDReader.read(data, schemes: self.schemes, interpreter: interpreter)
            code.symbology = symbology
            return code
        }
        if symbology?.isGS1 != true, RetailCodeReader.lengths.contains(data.count), ASCII.isAllDigits(data) {
            return RetailCodeReader.read(data, symbology: symbology)
        }
        if let first = data.first, ASCII.isDigit(first) || first == ASCII.groupSeparator {
            var issues: [ParseIssue] = []
            let elements = ElementStringReader.read(data, dates: self.dates, into: &issues)
            return interpreter.interpret(elements, kind: .gs1, symbology: symbology, issues: issues)
        }
        return ParsedCode(kind: .unknown, symbology: symbology, errors: [ParseIssue(
            .unrecognised,
            "\(ASCII.quoted(data)) is not a GS1 element string, Digital Link, brand code, retail barcode or canonical id"
        )])
    }

    /// Turns the configured GS substitute into GS and rejects other control characters and non-ASCII bytes.
    private func normaliseSeparators(_ bytes: inout [UInt8], from start: Int) -> ParseIssue? {
        for index in start..<bytes.count {
            let byte = bytes[index]
            if byte == self.gsSubstitute {
                bytes[index] = ASCII.groupSeparator
            } else if byte >= 0x80 {
                return ParseIssue(
                    .nonASCII,
                    "byte 0x\(ASCII.hex(byte)) at position \(index + 1) is not ASCII; codes are ASCII only (check the scanner's keyboard layout)"
                )
            } else if (byte < 0x20 || byte == 0x7F) && byte != ASCII.groupSeparator {
                return ParseIssue(
                    .controlCharacter,
                    "control character 0x\(ASCII.hex(byte)) at position \(index + 1); only GS (0x1D) may appear in a scan"
                )
            }
        }
        return nil
    }

    private func parseURL(_ data: ArraySlice<UInt8>, symbology: Symbology?, interpreter: GS1ElementInterpreter) -> ParsedCode {
        var issues: [ParseIssue] = []
        guard let url = ScannedURL.split(data, into: &issues) else {
            return ParsedCode(kind: .unknown, symbology: symbology, errors: issues)
        }
        if let scheme = BrandCodeReader.scheme(for: url, in: self.schemes) {
            return BrandCodeReader.read(url, scheme: scheme, symbology: symbology)
        }
        switch DigitalLinkReader.read(url, into: &issues) {
        case .elements(let elements):
            return interpreter.interpret(elements, kind: .digitalLink, symbology: symbology, issues: issues)
        case .notDigitalLink:
            return ParsedCode(kind: .unknown, symbology: symbology, errors: [ParseIssue(
                .notACodeURL,
                "URL on \(url.host) is neither a GS1 Digital Link (no primary key such as /01/ in the path) nor a configured brand code"
            )])
        }
    }
}
