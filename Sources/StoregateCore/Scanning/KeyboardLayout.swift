/// What each key of a boot keyboard types in one host keyboard layout.
///
/// A keyboard-wedge scanner does not send characters: it sends key positions (HID usages) chosen for the layout
/// it was configured for, and the host turns them back into characters with *its* layout. storegate plays the host,
/// so the layout here must be the one the scanner was configured for, per device.
public struct KeyboardLayout: Sendable, Hashable {
    /// The characters one key types without modifiers, with Shift, and with AltGr (right Alt), if any.
    public struct KeyLevels: Sendable, Hashable {
        public var normal: Unicode.Scalar?
        public var shifted: Unicode.Scalar?
        public var altGr: Unicode.Scalar?
        /// Whether CapsLock swaps the two levels: only for letters whose shifted level is their capital.
        public let capsLockApplies: Bool

        public init(_ normal: Unicode.Scalar?, _ shifted: Unicode.Scalar?, altGr: Unicode.Scalar? = nil) {
            self.normal = normal
            self.shifted = shifted
            self.altGr = altGr
            if let normal, let shifted, normal.properties.isLowercase {
                self.capsLockApplies = String(normal).uppercased() == String(shifted)
            } else {
                self.capsLockApplies = false
            }
        }
    }

    /// Short name used in configuration and on the command line: `us`, `uk`, `de`, `fr`.
    public let name: String
    /// Whether right Alt is AltGr (a third level) rather than a second Alt key.
    public let hasAltGr: Bool
    /// Indexed by HID usage (keyboard page 0x07); nil where the key types nothing in this layout
    /// (function keys, dead keys: scanners never rely on dead keys, so a dead key types nothing).
    private let keys: [KeyLevels?]

    init(name: String, hasAltGr: Bool, keys: [UInt8: KeyLevels]) {
        self.name = name
        self.hasAltGr = hasAltGr
        var table = [KeyLevels?](repeating: nil, count: 256)
        for (usage, levels) in keys {
            table[Int(usage)] = levels
        }
        // Keys that type the same control characters in every layout.
        table[0x28] = KeyLevels("\r", "\r")  // Enter
        table[0x29] = KeyLevels("\u{1B}", "\u{1B}")  // Escape
        table[0x2A] = KeyLevels("\u{08}", "\u{08}")  // Backspace
        table[0x2B] = KeyLevels("\t", "\t")  // Tab
        table[0x2C] = KeyLevels(" ", " ")  // Space
        // The keypad types the same in every layout (NumLock is assumed on: a scanner cannot see it).
        let keypad: [(UInt8, Unicode.Scalar)] = [
            (0x54, "/"), (0x55, "*"), (0x56, "-"), (0x57, "+"), (0x58, "\r"),
            (0x59, "1"), (0x5A, "2"), (0x5B, "3"), (0x5C, "4"), (0x5D, "5"),
            (0x5E, "6"), (0x5F, "7"), (0x60, "8"), (0x61, "9"), (0x62, "0"), (0x63, "."),
        ]
        for (usage, scalar) in keypad {
            table[Int(usage)] = KeyLevels(scalar, scalar)
        }
        self.keys = table
    }

    /// The levels of the key with this usage, or nil if the key types nothing.
    @inline(__always)
    public func levels(ofUsage usage: UInt8) -> KeyLevels? {
        self.keys[Int(usage)]
    }

    /// Every layout storegate knows, by ``name``.
    public static let all: [KeyboardLayout] = [.us, .uk, .de, .fr]

    /// The layout with this name (case-insensitive; `azerty` and `gb` are accepted aliases), or nil.
    public static func named(_ name: String) -> KeyboardLayout? {
        switch name.lowercased() {
        case "us": return .us
        case "uk", "gb": return .uk
        case "de": return .de
        case "fr", "azerty": return .fr
        default: return nil
        }
    }

    /// Levels for the 26 letter keys (usages 0x04...0x1D) with `letters` in usage order.
    static func letterKeys(_ letters: String) -> [UInt8: KeyLevels] {
        var keys: [UInt8: KeyLevels] = [:]
        for (offset, scalar) in letters.unicodeScalars.enumerated() {
            let upper = String(scalar).uppercased().unicodeScalars.first
            keys[0x04 + UInt8(offset)] = KeyLevels(scalar, upper)
        }
        return keys
    }
}
