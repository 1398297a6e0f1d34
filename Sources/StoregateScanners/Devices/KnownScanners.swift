/// USB ids storegate recognises, as in `devices/*.toml` (ids from the usb.ids database, Debian package usb.ids
/// 2025.07.26). Only names what a device is; how it is read comes from its descriptors.
public enum KnownScanners {
    public struct Entry: Sendable, Hashable {
        public var vendorID: UInt16
        /// nil: any product of the vendor.
        public var productID: UInt16?
        /// The profile file in `devices/` without `.toml`.
        public var profile: String
        /// The mode this product id announces, when the id says so.
        public var mode: String?
        /// The model usb.ids names for this product id, if any.
        public var model: String? = nil
    }

    public static let entries: [Entry] = [
        Entry(vendorID: 0x0C2E, productID: 0x0B61, profile: "honeywell", mode: nil, model: "Vuquest 3310g"),
        Entry(vendorID: 0x0C2E, productID: 0x0B6A, profile: "honeywell", mode: nil, model: "Vuquest 3310 Area-Imaging Scanner"),
        Entry(vendorID: 0x0C2E, productID: 0x0B81, profile: "honeywell", mode: nil, model: "Voyager 1400g Series"),
        Entry(vendorID: 0x0C2E, productID: nil, profile: "honeywell", mode: nil),
        Entry(vendorID: 0x05E0, productID: 0x1200, profile: "zebra", mode: nil, model: "Bar Code Scanner"),
        Entry(vendorID: 0x05E0, productID: 0x1701, profile: "zebra", mode: "serial", model: "Bar Code Scanner (CDC)"),
        Entry(vendorID: 0x05E0, productID: nil, profile: "zebra", mode: nil),
        Entry(vendorID: 0x05F9, productID: 0x2206, profile: "datalogic", mode: "keyboard-wedge", model: "Gryphon series"),
        Entry(vendorID: 0x05F9, productID: 0x4204, profile: "datalogic", mode: "serial", model: "Gryphon series"),
        Entry(vendorID: 0x05F9, productID: 0x1206, profile: "datalogic", mode: nil, model: "Gryphon series (OEM mode)"),
        Entry(vendorID: 0x05F9, productID: nil, profile: "datalogic", mode: nil),
        Entry(vendorID: 0x1EAB, productID: nil, profile: "newland", mode: nil),
    ]

    /// The most specific entry for a device.
    public static func entry(vendorID: UInt16, productID: UInt16) -> Entry? {
        self.entries.first { $0.vendorID == vendorID && $0.productID == productID }
            ?? self.newlandEntry(productID: productID, vendorID: vendorID)
            ?? self.entries.first { $0.vendorID == vendorID && $0.productID == nil }
    }

    /// Newland engines number their modes in the low byte: 0x03 keyboard, 0x06 serial CDC, 0x10 HID POS (usb.ids).
    private static func newlandEntry(productID: UInt16, vendorID: UInt16) -> Entry? {
        guard vendorID == 0x1EAB else { return nil }
        let mode: String? = switch productID & 0xFF {
        case 0x03: "keyboard-wedge"
        case 0x06: "serial"
        case 0x10: "hid-pos"
        default: nil
        }
        return Entry(vendorID: vendorID, productID: productID, profile: "newland", mode: mode)
    }
}
