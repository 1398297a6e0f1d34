/// A HID usage: a usage page and a usage id on it, e.g. Bar Code Scanner page 0x8C, Decoded Data 0xFE.
public struct HIDUsage: Sendable, Hashable, CustomStringConvertible {
    public var page: UInt16
    public var id: UInt16

    public init(page: UInt16, id: UInt16) {
        self.page = page
        self.id = id
    }

    /// A 32-bit extended usage: page in the high half, id in the low half.
    public init(extended: UInt32) {
        self.page = UInt16(truncatingIfNeeded: extended >> 16)
        self.id = UInt16(truncatingIfNeeded: extended)
    }

    public var description: String { "\(Self.hex(self.page)):\(Self.hex(self.id))" }

    /// Whether the page is vendor-defined (0xFF00...0xFFFF).
    public var isVendorDefined: Bool { self.page >= 0xFF00 }

    static func hex(_ value: UInt16) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    public static let barCodeScannerPage: UInt16 = 0x8C
    /// Generic Desktop: Byte Count, the length field of HID POS scanned-data reports.
    public static let byteCount = HIDUsage(page: 0x01, id: 0x3B)
    public static let scannedDataReport = HIDUsage(page: 0x8C, id: 0x12)
    public static let symbologyIdentifier1 = HIDUsage(page: 0x8C, id: 0xFB)
    public static let symbologyIdentifier2 = HIDUsage(page: 0x8C, id: 0xFC)
    public static let symbologyIdentifier3 = HIDUsage(page: 0x8C, id: 0xFD)
    public static let decodedData = HIDUsage(page: 0x8C, id: 0xFE)
    public static let decodeDataContinued = HIDUsage(page: 0x8C, id: 0xFF)
}
