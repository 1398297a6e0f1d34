public import StoregateCore

/// How an accepted scan is re-typed into a till that only takes a keyboard (keyboard pass-through): in the till's
/// layout, with GS rendered as configured and a suffix, after the scan has been checked character by character.
///
/// ``keys(typing:)`` is pure: the scan's bytes in, the chords to press out, or why nothing may be typed. A scan is
/// typed whole or not at all — never a part of it.
public struct PassThroughFormat: Sendable, Hashable {
    /// How a GS (0x1D, the GS1 separator of variable-length fields) is typed.
    public enum GroupSeparator: Sendable, Hashable, CustomStringConvertible {
        /// Ctrl + the key at the US `]` position (what keyboard-wedge scanners send).
        case controlBracket
        /// Left Alt + keypad 0 0 2 9 (a Windows Alt code).
        case altKeypad
        /// Not typed at all.
        case drop
        /// These characters, typed in the till's layout (e.g. a `~` the POS is set to read as GS).
        case replacement(String)

        /// The configuration's spelling: `ctrl-]`, `alt-0029`, `drop`, or the replacement characters.
        public var description: String {
            switch self {
            case .controlBracket: "ctrl-]"
            case .altKeypad: "alt-0029"
            case .drop: "drop"
            case .replacement(let text): text
            }
        }

        /// Reads the configuration's spelling; the error says what is wrong. A replacement must be 1–16 characters
        /// the layout can type, none of them a control character.
        public static func parse(_ text: String, layout: KeyboardLayout) -> Result<GroupSeparator, ConfigurationProblem> {
            switch text {
            case "ctrl-]": return .success(.controlBracket)
            case "alt-0029", "alt-29": return .success(.altKeypad)
            case "drop": return .success(.drop)
            default: break
            }
            if text.hasPrefix("ctrl-") || text.hasPrefix("alt-") {
                return .failure(ConfigurationProblem("\(text) is not a GS rendering; use ctrl-], alt-0029, drop or the replacement characters"))
            }
            let scalars = Array(text.unicodeScalars)
            guard (1...16).contains(scalars.count) else {
                return .failure(ConfigurationProblem("a GS replacement must be 1–16 characters (or ctrl-], alt-0029, drop)"))
            }
            if let bad = scalars.first(where: { !layout.canType($0) }) {
                return .failure(ConfigurationProblem("the GS replacement's \(PassThroughRefusal.name(of: bad)) cannot be typed in layout \(layout.name)"))
            }
            return .success(.replacement(text))
        }
    }

    /// What follows the scan: the key the POS waits for.
    public enum Suffix: String, Sendable, Hashable, CaseIterable {
        case enter, tab, none

        var chords: [KeyChord] {
            switch self {
            case .enter: [.enter]
            case .tab: [.tab]
            case .none: []
            }
        }
    }

    /// The till's keyboard layout: what its keys type is what storegate presses.
    public var layout: KeyboardLayout
    public var groupSeparator: GroupSeparator
    public var suffix: Suffix
    /// The characters a scan may contain to be typed (GS aside: it is rendered as ``groupSeparator`` says).
    public var allowed: PassThroughCharacters
    /// Scans longer than this (in characters, GS included) are not typed.
    public var maxLength: Int

    public static let defaultMaxLength = 128
    public static let maxLengthRange = 1...4_096

    public init(layout: KeyboardLayout = .us, groupSeparator: GroupSeparator = .controlBracket, suffix: Suffix = .enter,
                allowed: PassThroughCharacters = .printableASCII, maxLength: Int = Self.defaultMaxLength) {
        self.layout = layout
        self.groupSeparator = groupSeparator
        self.suffix = suffix
        self.allowed = allowed
        self.maxLength = maxLength
    }

    /// The chords that type `scan` (GS as 0x1D, UTF-8) and the suffix, or why it must not be typed at all: empty,
    /// longer than ``maxLength``, not UTF-8, a control character other than GS, a character outside ``allowed``, or
    /// one the layout cannot type.
    public func keys(typing scan: [UInt8]) -> Result<[KeyChord], PassThroughRefusal> {
        guard !scan.isEmpty else { return .failure(.empty) }
        // Bounded before anything is decoded: a character is at most 4 bytes.
        guard scan.count <= self.maxLength * 4 else { return .failure(.tooLong(length: scan.count, limit: self.maxLength)) }
        guard let text = String(validating: scan, as: UTF8.self) else { return .failure(.notUTF8) }
        let scalars = Array(text.unicodeScalars)
        guard scalars.count <= self.maxLength else { return .failure(.tooLong(length: scalars.count, limit: self.maxLength)) }
        var chords: [KeyChord] = []
        chords.reserveCapacity(scalars.count + 1)
        for scalar in scalars {
            if scalar == "\u{1D}" {
                switch self.groupSeparator {
                case .controlBracket: chords.append(.controlBracket)
                case .altKeypad: chords.append(.altKeypad0029)
                case .drop: break
                case .replacement(let text):
                    for replacement in text.unicodeScalars {
                        guard let chord = self.layout.chord(typing: replacement) else { return .failure(.untypable(replacement)) }
                        chords.append(chord)
                    }
                }
                continue
            }
            if scalar.isControl { return .failure(.controlCharacter(scalar)) }
            guard self.allowed.contains(scalar) else { return .failure(.notAllowed(scalar)) }
            guard let chord = self.layout.chord(typing: scalar) else { return .failure(.untypable(scalar)) }
            chords.append(chord)
        }
        return .success(chords + self.suffix.chords)
    }
}

/// Why a scan was not typed. Descriptions name characters by code point, never by echoing them (a scan is
/// untrusted: a control character must not reach a log or terminal as itself).
public enum PassThroughRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    case empty
    case tooLong(length: Int, limit: Int)
    case notUTF8
    case controlCharacter(Unicode.Scalar)
    case notAllowed(Unicode.Scalar)
    case untypable(Unicode.Scalar)

    /// A short stable name, for counters.
    public var code: String {
        switch self {
        case .empty: "empty"
        case .tooLong: "too_long"
        case .notUTF8: "not_utf8"
        case .controlCharacter: "control_character"
        case .notAllowed: "not_allowed"
        case .untypable: "untypable"
        }
    }

    public var description: String {
        switch self {
        case .empty: "the scan is empty"
        case .tooLong(let length, let limit): "the scan is longer (\(length)) than pass_through_max_length (\(limit))"
        case .notUTF8: "the scan is not UTF-8 text"
        case .controlCharacter(let scalar): "the scan holds the control character \(Self.name(of: scalar))"
        case .notAllowed(let scalar): "the scan holds \(Self.name(of: scalar)), which pass_through_allowed does not allow"
        case .untypable(let scalar): "the scan holds \(Self.name(of: scalar)), which the till's layout cannot type"
        }
    }

    /// `U+0041 'A'` for a printable ASCII character, `U+001B` otherwise.
    static func name(of scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        return (0x21...0x7E).contains(scalar.value) ? "\(code) '\(Character(scalar))'" : code
    }
}

/// A problem with a configured value, in words; the loader adds the key.
public struct ConfigurationProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The characters a scan may hold to be typed by keyboard pass-through.
public struct PassThroughCharacters: Sendable, Hashable, CustomStringConvertible {
    /// `printable-ascii`, `gs1`, or the characters themselves.
    public let description: String
    private let scalars: Set<Unicode.Scalar>

    /// Space to `~` (0x20–0x7E): the default.
    public static let printableASCII = PassThroughCharacters(
        description: "printable-ascii", scalars: Set((0x20...0x7E).compactMap(Unicode.Scalar.init(_:))))
    /// GS1's character set 82 (GS1 General Specifications, figure 7.11-1): what GS1 element strings carry.
    public static let gs1 = PassThroughCharacters(
        description: "gs1", scalars: Set("!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz".unicodeScalars))

    private init(description: String, scalars: Set<Unicode.Scalar>) {
        self.description = description
        self.scalars = scalars
    }

    public func contains(_ scalar: Unicode.Scalar) -> Bool { self.scalars.contains(scalar) }

    /// `printable-ascii`, `gs1`, or a string of the allowed characters themselves (e.g. `0123456789ABCDEF-`), each
    /// of which `layout` must be able to type; control characters are never allowed.
    public static func parse(_ text: String, layout: KeyboardLayout) -> Result<PassThroughCharacters, ConfigurationProblem> {
        switch text {
        case "printable-ascii": return .success(.printableASCII)
        case "gs1": return .success(.gs1)
        default: break
        }
        guard !text.isEmpty else {
            return .failure(ConfigurationProblem("must not be empty; use printable-ascii, gs1 or the allowed characters themselves"))
        }
        let scalars = Set(text.unicodeScalars)
        if let control = scalars.first(where: { $0.isControl }) {
            return .failure(ConfigurationProblem("holds the control character \(PassThroughRefusal.name(of: control)); control characters are never typed"))
        }
        let untypable = scalars.filter { !layout.canType($0) }.sorted { $0.value < $1.value }
        guard untypable.isEmpty else {
            let names = untypable.map(PassThroughRefusal.name(of:)).joined(separator: ", ")
            return .failure(ConfigurationProblem("layout \(layout.name) cannot type \(names)"))
        }
        return .success(PassThroughCharacters(description: text, scalars: scalars))
    }
}
