/// The modifier byte of a boot keyboard report (HID 1.11 appendix B.1), one bit per modifier key.
public struct KeyboardModifiers: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8

    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    public static let leftControl = KeyboardModifiers(rawValue: 0x01)
    public static let leftShift = KeyboardModifiers(rawValue: 0x02)
    public static let leftAlt = KeyboardModifiers(rawValue: 0x04)
    public static let leftGUI = KeyboardModifiers(rawValue: 0x08)
    public static let rightControl = KeyboardModifiers(rawValue: 0x10)
    public static let rightShift = KeyboardModifiers(rawValue: 0x20)
    public static let rightAlt = KeyboardModifiers(rawValue: 0x40)
    public static let rightGUI = KeyboardModifiers(rawValue: 0x80)

    public var control: Bool { !self.isDisjoint(with: [.leftControl, .rightControl]) }
    public var shift: Bool { !self.isDisjoint(with: [.leftShift, .rightShift]) }

    /// The modifier bit of a modifier key's usage (0xE0...0xE7), which some devices also list among the keys.
    static func ofUsage(_ usage: UInt8) -> KeyboardModifiers? {
        guard usage >= 0xE0, usage <= 0xE7 else { return nil }
        return KeyboardModifiers(rawValue: 1 << (usage - 0xE0))
    }
}
