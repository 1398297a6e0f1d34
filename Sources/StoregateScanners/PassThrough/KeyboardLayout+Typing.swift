public import StoregateCore

/// Keys pressed as one chord: ``modifiers`` held while each of ``keys`` (HID usages, keyboard page 0x07) is pressed
/// and released in turn, then the modifiers released. A character is a chord of one key; Alt + keypad 0 0 2 9 is one
/// chord of four keys (the Alt code is typed when Alt is released).
public struct KeyChord: Sendable, Hashable, CustomStringConvertible {
    public var modifiers: KeyboardModifiers
    public var keys: [UInt8]

    public init(modifiers: KeyboardModifiers = [], keys: [UInt8]) {
        self.modifiers = modifiers
        self.keys = keys
    }

    public var description: String {
        let keys = self.keys.map { "0x" + String($0, radix: 16) }.joined(separator: " ")
        return self.modifiers.isEmpty ? keys : "mod 0x\(String(self.modifiers.rawValue, radix: 16)) + \(keys)"
    }

    /// Enter, Tab: the same key in every layout.
    public static let enter = KeyChord(keys: [0x28])
    public static let tab = KeyChord(keys: [0x2B])
    /// Ctrl + the key at the US `]` position: GS in every layout (what scanners send, see ``KeyboardWedgeDecoder``).
    public static let controlBracket = KeyChord(modifiers: .leftControl, keys: [0x30])
    /// Left Alt held, keypad 0 0 2 9, Alt released: GS as a Windows Alt code.
    public static let altKeypad0029 = KeyChord(modifiers: .leftAlt, keys: [0x62, 0x62, 0x5A, 0x61])
}

extension KeyboardLayout {
    /// The chord that types `scalar` in this layout (a key alone, with Shift, or with AltGr, preferring the fewest
    /// modifiers), or nil when the layout cannot type it: a dead key, a character it does not have, a control
    /// character. The keypad is never used for characters (the till's NumLock state is unknown).
    public func chord(typing scalar: Unicode.Scalar) -> KeyChord? {
        (KeyChord.known[self.name] ?? KeyChord.invert(self))[scalar]
    }

    /// Whether this layout can type `scalar` with one chord.
    public func canType(_ scalar: Unicode.Scalar) -> Bool {
        self.chord(typing: scalar) != nil
    }
}

extension KeyChord {
    /// The inverted tables of the layouts storegate knows, made once.
    static let known: [String: [Unicode.Scalar: KeyChord]] =
        Dictionary(uniqueKeysWithValues: KeyboardLayout.all.map { ($0.name, Self.invert($0)) })

    /// The decoder's table (``KeyboardLayout/levels(ofUsage:)``) read backwards: for each printable character, the
    /// first key in usage order that types it without modifiers, else with Shift, else with AltGr. The one table
    /// drives decoding and typing, so what storegate types in a layout is what it reads back in that layout.
    static func invert(_ layout: KeyboardLayout) -> [Unicode.Scalar: KeyChord] {
        var chords: [Unicode.Scalar: KeyChord] = [:]
        let levels: [(KeyboardModifiers, KeyPath<KeyboardLayout.KeyLevels, Unicode.Scalar?>)] =
            [([], \.normal), (.leftShift, \.shifted)] + (layout.hasAltGr ? [(.rightAlt, \.altGr)] : [])
        for (modifiers, level) in levels {
            for usage in UInt8.min...UInt8.max where !(0x54...0x63).contains(usage) {
                guard let scalar = layout.levels(ofUsage: usage)?[keyPath: level], !scalar.isControl,
                      chords[scalar] == nil else { continue }
                chords[scalar] = KeyChord(modifiers: modifiers, keys: [usage])
            }
        }
        return chords
    }
}

extension Unicode.Scalar {
    /// A control or format character (C0, DEL, C1, zero-width and direction marks): never typed.
    var isControl: Bool {
        let category = self.properties.generalCategory
        return category == .control || category == .format
    }
}
