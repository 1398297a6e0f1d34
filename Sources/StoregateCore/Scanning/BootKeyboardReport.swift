/// One boot keyboard input report: a modifier byte, a reserved byte, then up to six pressed keys (usages).
///
/// Reports are read leniently: a longer report (64-byte endpoints) keeps only the first 8 bytes, a shorter one the
/// keys it has. Modifier usages (0xE0...0xE7) listed among the keys are folded into ``modifiers``.
public struct BootKeyboardReport: Sendable, Hashable {
    public var modifiers: KeyboardModifiers
    /// Pressed non-modifier keys in report order, without 0x00 (no key).
    public var keys: [UInt8]
    /// True when the keyboard signalled ErrorRollOver (usage 0x01 in a key slot): too many keys are down and the
    /// key list is meaningless; the previous key state stands.
    public var isRollOverError: Bool

    /// Reads a report; returns nil when it is too short to hold the modifier byte.
    public init?(_ bytes: some Collection<UInt8>) {
        guard let first = bytes.first else { return nil }
        var modifiers = KeyboardModifiers(rawValue: first)
        var keys: [UInt8] = []
        var rollOver = false
        var index = 0
        for byte in bytes {
            defer { index += 1 }
            guard index >= 2 else { continue }
            guard index < 8 else { break }
            switch byte {
            case 0x00:
                continue
            case 0x01:
                rollOver = true
            case 0x02, 0x03:
                continue  // POSTFail, ErrorUndefined: no key
            default:
                if let modifier = KeyboardModifiers.ofUsage(byte) {
                    modifiers.insert(modifier)
                } else if !keys.contains(byte) {
                    keys.append(byte)
                }
            }
        }
        self.modifiers = modifiers
        self.keys = keys
        self.isRollOverError = rollOver
    }

    public init(modifiers: KeyboardModifiers, keys: [UInt8]) {
        self.modifiers = modifiers
        self.keys = keys
        self.isRollOverError = false
    }
}
