public import StoregateCore

/// One step of typing on a Linux input device: a key (`KEY_*` code) going down or up, or a `SYN_REPORT` that makes
/// what came before it visible to readers as one state.
public enum EvdevKeyEvent: Sendable, Hashable {
    case key(code: UInt16, pressed: Bool)
    case synchronize
}

extension EvdevKeyboardState {
    /// The Linux `KEY_*` code of a HID usage: ``usage(ofKeyCode:)`` read backwards (the same table), nil for keys it
    /// does not know (and for the ISO `#` key 0x32, which arrives as KEY_BACKSLASH: 0x31 types the same).
    public static func keyCode(ofUsage usage: UInt8) -> UInt16? {
        Self.codeOfUsage[Int(usage)]
    }

    /// The `KEY_*` codes of the modifier keys in `modifiers`, in bit order (left Ctrl first).
    public static func keyCodes(of modifiers: KeyboardModifiers) -> [UInt16] {
        (0..<8).compactMap { bit in
            modifiers.contains(KeyboardModifiers(rawValue: 1 << bit)) ? Self.codeOfModifierBit[bit] : nil
        }
    }

    /// Every `KEY_*` code that typing can use: the keys of the table and the modifiers (a virtual keyboard declares
    /// these).
    public static var typingKeyCodes: [UInt16] {
        (Self.codeOfUsage.compactMap { $0 } + Self.codeOfModifierBit.compactMap { $0 }).sorted()
    }

    /// The key events that type `chords`, each followed by a `SYN_REPORT` (one change per report, as a keyboard
    /// scanned at 1 kHz would send): modifiers down, each key down and up, modifiers up. Nil when a key has no
    /// `KEY_*` code.
    public static func events(typing chords: [KeyChord]) -> [EvdevKeyEvent]? {
        var events: [EvdevKeyEvent] = []
        for chord in chords {
            let modifiers = Self.keyCodes(of: chord.modifiers)
            for code in modifiers { events += [.key(code: code, pressed: true), .synchronize] }
            for usage in chord.keys {
                guard let code = Self.keyCode(ofUsage: usage) else { return nil }
                events += [.key(code: code, pressed: true), .synchronize, .key(code: code, pressed: false), .synchronize]
            }
            for code in modifiers.reversed() { events += [.key(code: code, pressed: false), .synchronize] }
        }
        return events
    }

    /// ``usage(ofKeyCode:)`` inverted: the lowest `KEY_*` code of each usage.
    private static let codeOfUsage: [UInt16?] = {
        var codes = [UInt16?](repeating: nil, count: 256)
        for code in (0..<UInt16(256)).reversed() {
            if let usage = Self.usage(ofKeyCode: code) { codes[Int(usage)] = code }
        }
        return codes
    }()

    /// The `KEY_*` code of each modifier bit, read from what ``apply(code:value:)`` does with each code: a code whose
    /// press sets exactly one modifier bit and no key is that modifier's key.
    private static let codeOfModifierBit: [UInt16?] = {
        var codes = [UInt16?](repeating: nil, count: 8)
        for code in (0..<UInt16(256)).reversed() {
            var state = EvdevKeyboardState()
            guard let report = state.apply(code: code, value: 1), report.keys.isEmpty,
                  report.modifiers.rawValue.nonzeroBitCount == 1 else { continue }
            codes[report.modifiers.rawValue.trailingZeroBitCount] = code
        }
        return codes
    }()
}
