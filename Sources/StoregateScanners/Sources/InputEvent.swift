/// One `struct input_event` of linux/input.h on 64-bit Linux: a timeval (16 bytes, ignored here: the kernel stamps
/// events itself), type and code (UInt16 each), value (Int32), little-endian. Read from evdev devices, written to
/// uinput.
struct InputEvent: Sendable, Hashable {
    var type: UInt16
    var code: UInt16
    var value: Int32

    static let size = 24
    /// Event types and codes of linux/input-event-codes.h: EV_SYN with SYN_REPORT / SYN_DROPPED, and EV_KEY.
    static let synchronization: UInt16 = 0
    static let report: UInt16 = 0
    static let eventsDropped: UInt16 = 3
    static let key: UInt16 = 1

    init(type: UInt16, code: UInt16, value: Int32) {
        self.type = type
        self.code = code
        self.value = value
    }

    /// The event at `offset` of `bytes` (which must hold ``size`` bytes from there).
    init(_ bytes: [UInt8], at offset: Int) {
        func word(_ at: Int, _ count: Int) -> UInt32 {
            (0..<count).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + at + $1]) << (8 * $1) }
        }
        self.type = UInt16(word(16, 2))
        self.code = UInt16(word(18, 2))
        self.value = Int32(bitPattern: word(20, 4))
    }

    init(_ event: EvdevKeyEvent) {
        switch event {
        case .key(let code, let pressed): self.init(type: Self.key, code: code, value: pressed ? 1 : 0)
        case .synchronize: self.init(type: Self.synchronization, code: Self.report, value: 0)
        }
    }

    /// The bytes to write (time zero).
    var bytes: [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Self.size)
        for index in 0..<2 {
            bytes[16 + index] = UInt8(truncatingIfNeeded: self.type >> (8 * index))
            bytes[18 + index] = UInt8(truncatingIfNeeded: self.code >> (8 * index))
        }
        let value = UInt32(bitPattern: self.value)
        for index in 0..<4 { bytes[20 + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
        return bytes
    }
}
