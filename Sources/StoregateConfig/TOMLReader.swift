import Foundation
public import TOMLKit

/// Typed access to a TOML configuration that records an error per bad key instead of stopping at the first, so a
/// loader reports every problem of a file at once, each naming its key.
public struct TOMLReader {
    public private(set) var errors: [ConfigError] = []
    /// Section → its known keys; anything else is reported as unknown.
    public let knownKeys: [String: Set<String>]

    public init(knownKeys: [String: Set<String>]) {
        self.knownKeys = knownKeys
    }

    /// Parses `text`, or throws the one error that says where it is not TOML.
    public static func table(_ text: String) throws(ConfigErrors) -> TOMLTable {
        if let line = Self.lineWithHeaderWithoutKey(text) {
            throw ConfigErrors(errors: [ConfigError(key: "", problem: "not valid TOML at line \(line): a table header must start with a key")])
        }
        if let line = Self.lineWithBraceInArray(text) {
            throw ConfigErrors(errors: [ConfigError(key: "", problem: "not valid TOML at line \(line): '}' where an array expects a value")])
        }
        do {
            return try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigErrors(errors: [ConfigError(key: "", problem: "not valid TOML at line \(error.source.begin.line): \(error.description)")])
        } catch {
            throw ConfigErrors(errors: [ConfigError(key: "", problem: "not valid TOML: \(error)")])
        }
    }

    /// The line of a table header (`[…]`, `[[…]]`) whose first character is not a key's: toml++ (inside TOMLKit)
    /// asserts there instead of reporting an error, which would abort the process (found by `scripts/fuzz.sh config`).
    /// Every line starting with `[` is taken for a header, also one inside a multi-line string (no setting of
    /// storegate is one): telling them apart needs a TOML lexer, and a false refusal is an error message, not a crash.
    static func lineWithHeaderWithoutKey(_ text: String) -> Int? {
        // Unicode scalars, not Characters ("[" and a combining mark after it are one Character), with toml++'s
        // rules: lines end at "\n", blanks are space and tab, a byte-order mark may open the file.
        let lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
        func isBlank(_ scalar: Unicode.Scalar) -> Bool { scalar == " " || scalar == "\t" }
        for (index, line) in lines.enumerated() {
            var rest = index == 0 && line.first == "\u{FEFF}" ? line.dropFirst() : line[...]
            rest = rest.drop(while: isBlank)
            guard rest.first == "[" else { continue }
            rest = rest.dropFirst()
            if rest.first == "[" { rest = rest.dropFirst() }
            rest = rest.drop(while: isBlank)
            guard let first = rest.first else { return index + 1 }
            let keyStart = first.isASCII && (first.properties.isAlphabetic || ("0"..."9").contains(first) || "_-\"'".unicodeScalars.contains(first))
            if !keyStart && first != "]" { return index + 1 }
        }
        return nil
    }

    /// The line of a `}` whose innermost open bracket is an array's `[`: toml++ asserts there too (`x = [}]`, found
    /// by the config fuzzer). Strings (basic, literal, multi-line) and comments are skipped; a `[` that opens a line
    /// outside any value is a table header, not an array.
    static func lineWithBraceInArray(_ text: String) -> Int? {
        let scalars = Array(text.unicodeScalars)
        var line = 1, index = 0, open: [Unicode.Scalar] = [], atLineStart = true
        func starts(_ token: String, at position: Int) -> Bool {
            let token = Array(token.unicodeScalars)
            return position + token.count <= scalars.count && Array(scalars[position..<position + token.count]) == token
        }
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "\n":
                line += 1
                atLineStart = true
                index += 1
                continue
            case " ", "\t", "\r":
                index += 1
                continue
            case "#":
                while index < scalars.count && scalars[index] != "\n" { index += 1 }
                continue
            case "\"", "'":
                let triple = String(repeating: String(scalar), count: 3)
                let multiline = starts(triple, at: index)
                index += multiline ? 3 : 1
                while index < scalars.count {
                    if scalars[index] == "\\" && scalar == "\"" { index += 2; continue }
                    if multiline ? starts(triple, at: index) : scalars[index] == scalar {
                        index += multiline ? 3 : 1
                        break
                    }
                    if scalars[index] == "\n" {
                        line += 1
                        if !multiline { break }
                    }
                    index += 1
                }
            case "[" where open.isEmpty && atLineStart:
                // A table header: its brackets are not an array's.
                while index < scalars.count && scalars[index] != "\n" { index += 1 }
                continue
            case "[", "{":
                open.append(scalar)
                index += 1
            case "]":
                if open.last == "[" { open.removeLast() }
                index += 1
            case "}":
                if open.last == "[" { return line }
                if open.last == "{" { open.removeLast() }
                index += 1
            default:
                index += 1
            }
            atLineStart = false
        }
        return nil
    }

    /// Reports every top-level key that is not a known section.
    public mutating func checkSections(_ table: TOMLTable) {
        for key in table.keys where self.knownKeys[key] == nil {
            self.fail(key, "unknown section; known: \(self.knownKeys.keys.sorted().joined(separator: ", "))")
        }
    }

    /// Throws what was found, if anything.
    public func finish() throws(ConfigErrors) {
        if !self.errors.isEmpty { throw ConfigErrors(errors: self.errors) }
    }

    public mutating func fail(_ key: String, _ problem: String) {
        self.errors.append(ConfigError(key: key, problem: problem))
    }

    public mutating func section(_ table: TOMLTable, _ key: String, name: String? = nil) -> TOMLTable? {
        guard let value = table[key] else { return nil }
        guard let section = value.table else {
            self.fail(name ?? key, "must be a table ([\(key)])")
            return nil
        }
        if name == nil { self.checkKeys(section, section: key, prefix: key) }
        return section
    }

    public mutating func checkKeys(_ table: TOMLTable, section: String, prefix: String) {
        let known = self.knownKeys[section] ?? []
        for key in table.keys where !known.contains(key) {
            self.fail("\(prefix).\(key)", "unknown key; known keys of [\(section)]: \(known.sorted().joined(separator: ", "))")
        }
    }

    public mutating func string(_ table: TOMLTable, _ key: String, entry: String? = nil, nonEmpty: Bool = false,
                         topicLevel: Bool = false, readableFile: Bool = false) -> String? {
        let name = entry ?? String(key.split(separator: ".").last ?? "")
        guard let value = table[name] else { return nil }
        guard let text = value.string else {
            self.fail(key, "must be a string (in quotes)")
            return nil
        }
        if nonEmpty && text.isEmpty {
            self.fail(key, "must not be empty")
            return nil
        }
        if topicLevel && !(text.utf8.count <= 128 && !text.isEmpty && !text.contains(where: { "/+#\u{0}".contains($0) })) {
            self.fail(key, "\(text) cannot be an MQTT topic level (1–128 bytes, no / + #)")
            return nil
        }
        if readableFile && !FileManager.default.isReadableFile(atPath: text) {
            self.fail(key, "cannot read \(text)")
            return nil
        }
        return text
    }

    /// An array of non-empty strings (`["a", "b"]`).
    public mutating func strings(_ table: TOMLTable, _ key: String) -> [String]? {
        let name = String(key.split(separator: ".").last ?? "")
        guard let value = table[name] else { return nil }
        let strings = value.array?.compactMap(\.string) ?? []
        guard let array = value.array, strings.count == array.count, !strings.contains(where: \.isEmpty) else {
            self.fail(key, "must be an array of non-empty strings ([\"a\", \"b\"])")
            return nil
        }
        return strings
    }

    public mutating func int(_ table: TOMLTable, _ key: String, _ range: ClosedRange<Int>) -> Int? {
        let name = String(key.split(separator: ".").last ?? "")
        guard let value = table[name] else { return nil }
        guard let number = value.int else {
            self.fail(key, "must be an integer")
            return nil
        }
        guard range.contains(number) else {
            self.fail(key, "\(number) is out of range (\(range.lowerBound)–\(range.upperBound))")
            return nil
        }
        return number
    }

    public mutating func bool(_ table: TOMLTable, _ key: String) -> Bool? {
        let name = String(key.split(separator: ".").last ?? "")
        guard let value = table[name] else { return nil }
        guard let flag = value.bool else {
            self.fail(key, "must be true or false")
            return nil
        }
        return flag
    }
}
