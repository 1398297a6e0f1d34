public import StoregateCore

/// Writes one JSON object with keys in the order they are added: the canonical form the hash chain is computed
/// over must be byte-for-byte reproducible, which a general encoder with unordered dictionaries does not promise.
/// Also the CLI's fast `--json` writer (a Foundation `JSONEncoder` per result line costs more than the transaction).
///
/// It appends UTF-8 bytes to one array: every journal event is written through it on the redemption path, and
/// appending `String`s piece by piece cost more than the rest of the event (each append re-checks capacity,
/// ASCII-ness and grapheme boundaries). Nested objects and arrays are written in place, not built separately.
public struct JSONObjectWriter: Sendable {
    private(set) var bytes: [UInt8]
    private var isEmpty = true

    public init() {
        self.bytes = []
        self.bytes.reserveCapacity(512)
        self.bytes.append(UInt8(ascii: "{"))
    }

    /// Keys are literals of the code (ASCII, nothing to escape), so they are copied as they are.
    public mutating func add(_ key: StaticString, _ value: String?) {
        guard let value else { return }
        self.key(key)
        Self.appendString(value, to: &self.bytes)
    }

    public mutating func add(_ key: StaticString, _ value: Int64?) {
        guard let value else { return }
        self.key(key)
        Self.appendInteger(value, to: &self.bytes)
    }

    public mutating func add(_ key: StaticString, _ value: Bool) {
        self.key(key)
        self.append(value ? "true" : "false")
    }

    /// Adds a date as `CivilDate.description` writes it (`YYYY-MM-DD`), digit by digit for the years it pads.
    public mutating func add(_ key: StaticString, _ date: CivilDate?) {
        guard let date else { return }
        guard (0...9999).contains(date.year), (0...99).contains(date.month), (0...99).contains(date.day) else {
            self.add(key, date.description)
            return
        }
        self.key(key)
        self.bytes.append(UInt8(ascii: "\""))
        func digits(_ value: Int, _ count: Int) {
            var divisor = count == 4 ? 1000 : 10
            while divisor > 0 {
                self.bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
        }
        digits(date.year, 4)
        self.bytes.append(UInt8(ascii: "-"))
        digits(date.month, 2)
        self.bytes.append(UInt8(ascii: "-"))
        digits(date.day, 2)
        self.bytes.append(UInt8(ascii: "\""))
    }

    /// Adds a value that is already JSON text (a nested object or array).
    public mutating func addRaw(_ key: StaticString, _ json: String?) {
        guard var json else { return }
        self.key(key)
        json.withUTF8 { self.bytes.append(contentsOf: $0) }
    }

    /// Adds bytes as a string of lowercase hex digits.
    public mutating func addHex(_ key: StaticString, _ value: [UInt8]) {
        self.key(key)
        self.bytes.append(UInt8(ascii: "\""))
        // The digits are written on the stack and appended at once: appended one by one (a uniqueness and capacity
        // check each), a 32-byte hash cost ~1,100 instructions.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2 * value.count) { digits in
            for (index, byte) in value.enumerated() {
                digits[2 * index] = Hex.digit(byte >> 4)
                digits[2 * index + 1] = Hex.digit(byte & 0x0F)
            }
            self.bytes.append(contentsOf: digits)
        }
        self.bytes.append(UInt8(ascii: "\""))
    }

    /// Adds a nested object, written in place by `body`.
    public mutating func addObject(_ key: StaticString, _ body: (inout JSONObjectWriter) -> Void) {
        self.key(key)
        self.nested(body)
    }

    /// Adds an array of objects, one written in place by `body` for each element.
    public mutating func addObjects<Element>(_ key: StaticString, _ elements: [Element], _ body: (inout JSONObjectWriter, Element) -> Void) {
        self.key(key)
        self.bytes.append(UInt8(ascii: "["))
        for (index, element) in elements.enumerated() {
            if index > 0 { self.bytes.append(UInt8(ascii: ",")) }
            self.nested { body(&$0, element) }
        }
        self.bytes.append(UInt8(ascii: "]"))
    }

    /// Adds an array of strings.
    public mutating func addStrings(_ key: StaticString, _ values: [String]) {
        self.key(key)
        self.bytes.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { self.bytes.append(UInt8(ascii: ",")) }
            Self.appendString(value, to: &self.bytes)
        }
        self.bytes.append(UInt8(ascii: "]"))
    }

    /// The object as text, closed; nothing is to be added after.
    public mutating func finished() -> String {
        String(decoding: self.finishedBytes(), as: UTF8.self)
    }

    /// The object's UTF-8 bytes, closed; nothing is to be added after. Mutating, not consuming: a consuming call
    /// got a copy of the writer, whose closing brace then copied the whole buffer.
    public mutating func finishedBytes() -> [UInt8] {
        self.bytes.append(UInt8(ascii: "}"))
        return self.bytes
    }

    /// Runs `body` on a writer that appends to this writer's bytes (moved, not copied), then takes them back.
    private mutating func nested(_ body: (inout JSONObjectWriter) -> Void) {
        var inner = JSONObjectWriter(empty: ())
        swap(&inner.bytes, &self.bytes)
        inner.bytes.append(UInt8(ascii: "{"))
        body(&inner)
        inner.bytes.append(UInt8(ascii: "}"))
        swap(&inner.bytes, &self.bytes)
    }

    private init(empty: Void) {
        self.bytes = []
    }

    private mutating func key(_ key: StaticString) {
        if !self.isEmpty { self.bytes.append(UInt8(ascii: ",")) }
        self.isEmpty = false
        self.bytes.append(UInt8(ascii: "\""))
        self.append(key)
        self.bytes.append(UInt8(ascii: "\""))
        self.bytes.append(UInt8(ascii: ":"))
    }

    private mutating func append(_ literal: StaticString) {
        literal.withUTF8Buffer { self.bytes.append(contentsOf: $0) }
    }

    /// A JSON string: quotes, `"` and `\` escaped, control characters (and DEL) as `\n`, `\r`, `\t` or `\u00XX`;
    /// everything else, non-ASCII included, as its UTF-8 bytes. Every byte that needs escaping is ASCII, so
    /// escaping byte by byte is escaping character by character.
    public static func appendString(_ value: String, to bytes: inout [UInt8]) {
        var value = value
        bytes.append(UInt8(ascii: "\""))
        value.withUTF8 { utf8 in
            // Almost every value needs no escaping: copy it whole.
            guard utf8.contains(where: Self.needsEscape) else {
                bytes.append(contentsOf: utf8)
                return
            }
            for byte in utf8 {
                guard Self.needsEscape(byte) else {
                    bytes.append(byte)
                    continue
                }
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
                case UInt8(ascii: "\n"): bytes.append(UInt8(ascii: "n"))
                case UInt8(ascii: "\r"): bytes.append(UInt8(ascii: "r"))
                case UInt8(ascii: "\t"): bytes.append(UInt8(ascii: "t"))
                default:
                    bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                    bytes.append(Hex.digit(byte >> 4))
                    bytes.append(Hex.digit(byte & 0x0F))
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    @inline(__always)
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0x7F
    }

    /// Decimal digits, as `String(value)` writes them, without making a `String`.
    public static func appendInteger(_ value: Int64, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = 20
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }
}
