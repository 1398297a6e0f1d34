/// Writes one JSON object with keys in the order they are added: the canonical form the hash chain is computed
/// over must be byte-for-byte reproducible, which a general encoder with unordered dictionaries does not promise.
/// Also the CLI's fast `--json` writer (a Foundation `JSONEncoder` per result line costs more than the transaction).
public struct JSONObjectWriter: Sendable {
    private(set) var text: String
    private var isEmpty = true

    public init() {
        self.text = "{"
        self.text.reserveCapacity(512)
    }

    public mutating func add(_ key: String, _ value: String?) {
        guard let value else { return }
        self.key(key)
        Self.appendString(value, to: &self.text)
    }

    public mutating func add(_ key: String, _ value: Int64?) {
        guard let value else { return }
        self.key(key)
        self.text += String(value)
    }

    public mutating func add(_ key: String, _ value: Bool) {
        self.key(key)
        self.text += value ? "true" : "false"
    }

    /// Adds a value that is already JSON text (a nested object or array).
    public mutating func addRaw(_ key: String, _ json: String?) {
        guard let json else { return }
        self.key(key)
        self.text += json
    }

    public func finished() -> String {
        self.text + "}"
    }

    private mutating func key(_ key: String) {
        if !self.isEmpty { self.text += "," }
        self.isEmpty = false
        Self.appendString(key, to: &self.text)
        self.text += ":"
    }

    static func appendString(_ value: String, to text: inout String) {
        text += "\""
        // Almost every value needs no escaping: append it whole instead of scalar by scalar (hot path).
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F }) {
            text += value
            text += "\""
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                text += "\\u" + Hex.encode([UInt8(0), UInt8(scalar.value)])
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }

    /// A JSON array of already-encoded values.
    static func array(_ elements: [String]) -> String {
        "[" + elements.joined(separator: ",") + "]"
    }
}
