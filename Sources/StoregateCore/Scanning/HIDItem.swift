/// One item of a HID report descriptor (HID 1.11 §6.2.2): a short item's type, tag and little-endian data.
public struct HIDItem: Sendable, Hashable {
    public enum Kind: UInt8, Sendable {
        case main = 0
        case global = 1
        case local = 2
        case reserved = 3
    }

    public var kind: Kind
    public var tag: UInt8
    /// The data bytes as an unsigned value (0 for no data).
    public var unsignedValue: UInt32
    /// The data bytes sign-extended from their size (for logical and physical minimum/maximum).
    public var signedValue: Int32
    /// Number of data bytes: 0, 1, 2 or 4.
    public var size: Int
    /// Offset of the item's prefix byte in the descriptor, for error messages.
    public var offset: Int
}

/// Splits a report descriptor into items. Long items (prefix 0xFE) are skipped: HID 1.11 defines none.
public struct HIDItemReader: Sendable {
    private let bytes: [UInt8]
    private var offset = 0

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The next item, nil at the end, or an error when an item's data runs past the end.
    public mutating func next() throws(HIDDescriptorError) -> HIDItem? {
        while self.offset < self.bytes.count {
            let start = self.offset
            let prefix = self.bytes[start]
            if prefix == 0xFE {
                guard start + 2 < self.bytes.count else {
                    throw HIDDescriptorError(offset: start, message: "long item header runs past the end")
                }
                let length = Int(self.bytes[start + 1])
                guard start + 3 + length <= self.bytes.count else {
                    throw HIDDescriptorError(offset: start, message: "long item of \(length) bytes runs past the end")
                }
                self.offset = start + 3 + length
                continue
            }
            let size = [0, 1, 2, 4][Int(prefix & 0x03)]
            guard start + 1 + size <= self.bytes.count else {
                throw HIDDescriptorError(offset: start, message: "item 0x\(String(prefix, radix: 16)) needs \(size) data bytes, the descriptor ends first")
            }
            var value: UInt32 = 0
            for index in 0..<size {
                value |= UInt32(self.bytes[start + 1 + index]) << (8 * index)
            }
            let signed: Int32
            switch size {
            case 1: signed = Int32(Int8(truncatingIfNeeded: value))
            case 2: signed = Int32(Int16(truncatingIfNeeded: value))
            default: signed = Int32(bitPattern: value)
            }
            self.offset = start + 1 + size
            return HIDItem(
                kind: HIDItem.Kind(rawValue: (prefix >> 2) & 0x03) ?? .reserved,
                tag: prefix >> 4,
                unsignedValue: value,
                signedValue: signed,
                size: size,
                offset: start
            )
        }
        return nil
    }
}

/// A report descriptor that cannot be used, with the byte offset of the offending item.
public struct HIDDescriptorError: Error, Sendable, Hashable, CustomStringConvertible {
    public var offset: Int
    public var message: String

    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    public var description: String { "HID report descriptor, byte \(self.offset): \(self.message)" }
}
