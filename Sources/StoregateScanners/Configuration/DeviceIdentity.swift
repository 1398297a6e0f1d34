/// What is known about a device when it is found, for matching it to a lane.
public struct DeviceIdentity: Sendable, Hashable {
    public var vendorID: UInt16?
    public var productID: UInt16?
    public var serialNumber: String?
    /// USB port path, e.g. `1-1.2`.
    public var portPath: String?
    /// Device node or file, e.g. `/dev/input/event3`, `/dev/ttyACM0`.
    public var path: String?

    public init(vendorID: UInt16? = nil, productID: UInt16? = nil, serialNumber: String? = nil, portPath: String? = nil,
                path: String? = nil) {
        self.vendorID = vendorID
        self.productID = productID
        self.serialNumber = serialNumber
        self.portPath = portPath
        self.path = path
    }
}

/// How a configuration rule recognises a device.
public enum DeviceMatch: Sendable, Hashable, CustomStringConvertible {
    /// Vendor id and, if given, product id.
    case vendorProduct(UInt16, UInt16?)
    case serialNumber(String)
    case portPath(String)
    case path(String)

    public func matches(_ identity: DeviceIdentity) -> Bool {
        switch self {
        case .vendorProduct(let vendor, let product):
            return identity.vendorID == vendor && (product == nil || identity.productID == product)
        case .serialNumber(let serial):
            return identity.serialNumber == serial
        case .portPath(let port):
            return identity.portPath == port
        case .path(let path):
            return identity.path == path
        }
    }

    public var description: String {
        switch self {
        case .vendorProduct(let vendor, let product):
            return "usb:" + USBIDText.hex4(vendor) + (product.map { ":" + USBIDText.hex4($0) } ?? "")
        case .serialNumber(let serial): return "usb:serial=\(serial)"
        case .portPath(let port): return "usb:port=\(port)"
        case .path(let path): return path
        }
    }
}

enum USBIDText {
    static func hex4(_ value: UInt16) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// `0c2e` or `0x0c2e` → 0x0C2E.
    static func parse(_ text: Substring) -> UInt16? {
        let digits = text.hasPrefix("0x") || text.hasPrefix("0X") ? text.dropFirst(2) : text
        guard !digits.isEmpty, digits.count <= 4 else { return nil }
        return UInt16(digits, radix: 16)
    }
}
