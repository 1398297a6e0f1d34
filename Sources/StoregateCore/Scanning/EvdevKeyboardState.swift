/// Turns Linux input key events (`EV_KEY` with a `KEY_*` code) back into boot keyboard reports, so an evdev device
/// goes through the same ``KeyboardWedgeDecoder`` as a USB one.
///
/// The kernel's usbhid translated HID usages into `KEY_*` codes; this is the inverse of its table
/// (drivers/hid/hid-input.c `hid_keyboard[]`) for the keys a scanner types. Both the US `\` key (0x31) and the ISO
/// `#` key (0x32) arrive as KEY_BACKSLASH; it maps back to 0x31, which every layout here types the same as 0x32.
public struct EvdevKeyboardState: Sendable {
    private var modifiers = KeyboardModifiers()
    private var keys: [UInt8] = []

    public init() {}

    /// Applies one key event (`value` 1 press, 0 release, 2 autorepeat) and returns the report the keyboard would
    /// have sent, or nil when nothing changed (autorepeat, unknown keys).
    public mutating func apply(code: UInt16, value: Int32) -> BootKeyboardReport? {
        guard value == 0 || value == 1 else { return nil }
        if let modifier = Self.modifiers[code] {
            if value == 1 { self.modifiers.insert(modifier) } else { self.modifiers.remove(modifier) }
        } else if let usage = Self.usage(ofKeyCode: code) {
            if value == 1 {
                guard !self.keys.contains(usage) else { return nil }
                if self.keys.count == 6 { self.keys.removeFirst() }
                self.keys.append(usage)
            } else {
                guard let index = self.keys.firstIndex(of: usage) else { return nil }
                self.keys.remove(at: index)
            }
        } else {
            return nil
        }
        return BootKeyboardReport(modifiers: self.modifiers, keys: self.keys)
    }

    static let modifiers: [UInt16: KeyboardModifiers] = [
        29: .leftControl, 42: .leftShift, 56: .leftAlt, 125: .leftGUI,
        97: .rightControl, 54: .rightShift, 100: .rightAlt, 126: .rightGUI,
    ]

    /// HID usage of a Linux `KEY_*` code, nil for keys scanners never type.
    public static func usage(ofKeyCode code: UInt16) -> UInt8? {
        guard Int(code) < Self.table.count else { return code == 96 ? 0x58 : code == 98 ? 0x54 : nil }
        let usage = Self.table[Int(code)]
        return usage == 0 ? nil : usage
    }

    /// Indexed by KEY_* code 0...86.
    private static let table: [UInt8] = [
        0x00, 0x29, 0x1E, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2D, 0x2E, 0x2A, 0x2B,  // 0-15
        0x14, 0x1A, 0x08, 0x15, 0x17, 0x1C, 0x18, 0x0C, 0x12, 0x13, 0x2F, 0x30, 0x28, 0x00, 0x04, 0x16,  // 16-31
        0x07, 0x09, 0x0A, 0x0B, 0x0D, 0x0E, 0x0F, 0x33, 0x34, 0x35, 0x00, 0x31, 0x1D, 0x1B, 0x06, 0x19,  // 32-47
        0x05, 0x11, 0x10, 0x36, 0x37, 0x38, 0x00, 0x55, 0x00, 0x2C, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E,  // 48-63
        0x3F, 0x40, 0x41, 0x42, 0x43, 0x53, 0x47, 0x5F, 0x60, 0x61, 0x56, 0x5C, 0x5D, 0x5E, 0x57, 0x59,  // 64-79
        0x5A, 0x5B, 0x62, 0x63, 0x00, 0x00, 0x64,  // 80-86
    ]
}
