/// A recorded stream of raw reports from one device: what `storegate decode` reads and `replay:` plays back.
///
/// Text, one report per line, `#` starts a comment:
/// ```
/// #!storegate-capture kind=keyboard layout=de
/// 0.000000 0100300000000000
/// 0.001012 0000000000000000
/// ```
/// A line is `[SECONDS] HEX`: an optional arrival time in seconds with a dot (relative to any origin) and the
/// report's bytes in hex (spaces between bytes allowed). The optional header names the scanner kind
/// (`keyboard`, or `hidpos` with `descriptor=HEX`), and for keyboards `layout`, `suffix` (enter, tab, none or hex)
/// and `timeout` (ms); command-line options override it.
public struct ReportCapture: Sendable, Hashable {
    public struct Report: Sendable, Hashable {
        /// Arrival time in milliseconds since the capture's origin, nil when the line had none.
        public var milliseconds: Int64?
        public var bytes: [UInt8]

        public init(milliseconds: Int64?, bytes: [UInt8]) {
            self.milliseconds = milliseconds
            self.bytes = bytes
        }
    }

    /// `key=value` pairs of the `#!storegate-capture` header.
    public var header: [String: String]
    public var reports: [Report]

    /// A line that is not a report, with its 1-based number.
    public struct FormatError: Error, Sendable, Hashable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "capture line \(self.line): \(self.message)" }

        public init(line: Int, message: String) {
            self.line = line
            self.message = message
        }
    }

    /// Reads a whole capture.
    public init(parsing text: String) throws(FormatError) {
        self.header = [:]
        self.reports = []
        var number = 0
        // Any line break ("\r\n" is one Character in a Swift String, so splitting on "\n" alone would miss it).
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            number += 1
            if line.hasPrefix("#!storegate-capture") {
                for pair in line.split(separator: " ").dropFirst() {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    if parts.count == 2 { self.header[String(parts[0])] = String(parts[1]) }
                }
                continue
            }
            guard let report = try Self.report(fromLine: line, number: number) else { continue }
            self.reports.append(report)
        }
    }

    /// One line: nil for blank and comment lines.
    public static func report(fromLine line: Substring, number: Int) throws(FormatError) -> Report? {
        let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let words = content.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard !words.isEmpty else { return nil }
        var milliseconds: Int64?
        var hexWords = words[...]
        if words.count >= 2, words[0].contains(".") {
            guard let time = Self.milliseconds(fromSeconds: words[0]) else {
                throw FormatError(line: number, message: "'\(words[0])' is not a time in seconds")
            }
            milliseconds = time
            hexWords = words.dropFirst()
        }
        guard let bytes = Self.bytes(fromHex: hexWords.joined()) else {
            throw FormatError(line: number, message: "'\(hexWords.joined(separator: " "))' is not hex bytes")
        }
        return Report(milliseconds: milliseconds, bytes: bytes)
    }

    /// Hex digits (an even number of them) → bytes.
    public static func bytes(fromHex text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    /// Bytes → lowercase hex, no separators.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// `12.345678` → 12345 ms; digits and at most one dot, at most 12 integer digits.
    static func milliseconds(fromSeconds text: Substring) -> Int64? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, whole.count <= 12, let seconds = Int64(whole.isEmpty ? "0" : whole) else { return nil }
        var millis: Int64 = 0
        if parts.count == 2 {
            let fraction = parts[1]
            guard fraction.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            let padded = (fraction + "000").prefix(3)
            millis = Int64(padded) ?? 0
        }
        guard seconds >= 0 else { return nil }
        return seconds * 1000 + millis
    }
}
