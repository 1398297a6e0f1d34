/// Turns boot keyboard reports into the bytes a keyboard-wedge scanner typed, as a host with ``layout`` would.
///
/// Keys type on the report where they first appear (a key still held in the next report is not typed again, a
/// release-only report types nothing); several new keys in one report type in report order. ErrorRollOver reports
/// are ignored. Characters come out UTF-8 encoded; Enter is 0x0D, Tab 0x09.
///
/// - Ctrl chords type control characters: Ctrl+letter → 0x01...0x1A, Ctrl+@ [ \ ] ^ _ → 0x00, 0x1B...0x1F. The keys at
///   the US `[` `]` `\` positions (usages 0x2F, 0x30, 0x31/0x32) give ESC, GS and FS with Ctrl in every layout, as
///   Windows layouts do: a scanner set to a German or French layout sends GS as Ctrl + the key labelled `+` (DE) or
///   `$` (FR). Ctrl + AltGr + the key that types `]` (DE AltGr+9, FR AltGr+`)`) also gives GS.
/// - Alt held while keypad digits are typed, then released, types the character with that decimal code modulo 256
///   (Alt+0029 and Alt+29 → GS); codes 128...255 are read as Latin-1. Alt with any other key types nothing.
/// - CapsLock (usage 0x39) toggles on each press and swaps Shift for letters only.
public struct KeyboardWedgeDecoder: Sendable {
    public let layout: KeyboardLayout
    public private(set) var capsLock = false
    private var previousKeys: [UInt8] = []
    private var altCode: Int?

    public init(layout: KeyboardLayout) {
        self.layout = layout
    }

    /// Decodes one report, appending what it typed to `output`.
    public mutating func decode(_ bytes: some Collection<UInt8>, into output: inout [UInt8]) {
        guard let report = BootKeyboardReport(bytes), !report.isRollOverError else { return }
        self.decode(report, into: &output)
    }

    public mutating func decode(_ report: BootKeyboardReport, into output: inout [UInt8]) {
        let modifiers = report.modifiers
        let altHeld = modifiers.contains(.leftAlt) || (!self.layout.hasAltGr && modifiers.contains(.rightAlt))
        if !altHeld, let code = self.altCode {
            self.altCode = nil
            Self.appendAltCode(code, to: &output)
        }
        for key in report.keys where !self.previousKeys.contains(key) {
            self.press(key, modifiers: modifiers, altHeld: altHeld, into: &output)
        }
        self.previousKeys = report.keys
    }

    /// Forgets held keys and a pending Alt code, e.g. after the device went away. CapsLock stays as it was.
    public mutating func reset() {
        self.previousKeys = []
        self.altCode = nil
    }

    private mutating func press(_ key: UInt8, modifiers: KeyboardModifiers, altHeld: Bool, into output: inout [UInt8]) {
        if key == 0x39 {
            self.capsLock.toggle()
            return
        }
        if altHeld && !modifiers.control {
            if let digit = Self.keypadDigit(key) {
                // Modulo 256 as we go equals modulo 256 of the whole number, and bounds the state.
                self.altCode = ((self.altCode ?? 0) * 10 + digit) % 256
            } else {
                self.altCode = nil
            }
            return
        }
        let levels = self.layout.levels(ofUsage: key)
        let scalar: Unicode.Scalar?
        if self.layout.hasAltGr && modifiers.contains(.rightAlt) {
            scalar = levels?.altGr
        } else {
            var shifted = modifiers.shift
            if self.capsLock && levels?.capsLockApplies == true { shifted.toggle() }
            scalar = shifted ? levels?.shifted : levels?.normal
        }
        if modifiers.control {
            if let control = Self.controlCharacter(usage: key, scalar: scalar) { output.append(control) }
            return
        }
        if let scalar { Self.appendUTF8(scalar, to: &output) }
    }

    /// The control character of Ctrl + this key, or nil when the chord types nothing.
    static func controlCharacter(usage: UInt8, scalar: Unicode.Scalar?) -> UInt8? {
        switch usage {
        case 0x2F: return 0x1B
        case 0x30: return 0x1D
        case 0x31, 0x32: return 0x1C
        default: break
        }
        guard let scalar, scalar.isASCII else { return nil }
        let value = UInt8(scalar.value)
        switch value {
        case 0x61...0x7A: return value - 0x60
        case 0x40...0x5F: return value - 0x40
        default: return nil
        }
    }

    static func keypadDigit(_ usage: UInt8) -> Int? {
        switch usage {
        case 0x59...0x61: return Int(usage - 0x59) + 1
        case 0x62: return 0
        default: return nil
        }
    }

    private static func appendAltCode(_ code: Int, to output: inout [UInt8]) {
        guard code > 0, let scalar = Unicode.Scalar(UInt32(code)) else { return }
        self.appendUTF8(scalar, to: &output)
    }

    @inline(__always)
    static func appendUTF8(_ scalar: Unicode.Scalar, to output: inout [UInt8]) {
        if scalar.isASCII {
            output.append(UInt8(scalar.value))
        } else {
            output.append(contentsOf: String(scalar).utf8)
        }
    }
}
