internal import CLibUSB

/// One device on the bus, as listed: ids, place on the bus and its HID interfaces. Opening it is separate.
public final class USBDevice: Sendable {
    /// A referenced libusb_device; libusb device references may be used from any thread (hence
    /// `nonisolated(unsafe)`: the pointer itself never changes).
    nonisolated(unsafe) let pointer: OpaquePointer
    let context: USBContext
    public let vendorID: UInt16
    public let productID: UInt16
    public let bus: UInt8
    public let address: UInt8
    /// The port path, e.g. `1-1.2` (bus 1, root port 1, hub port 2): stable for a socket, unlike the address.
    public let portPath: String
    let serialNumberIndex: UInt8
    let productIndex: UInt8
    let manufacturerIndex: UInt8
    /// HID interfaces (class 3) with an interrupt IN endpoint.
    public let hidInterfaces: [USBHIDInterface]
    /// The class of every interface (3 HID, 2/10 CDC serial, 0xFF vendor), for `storegate devices`.
    public let interfaceClasses: [UInt8]

    init?(retaining pointer: OpaquePointer, context: USBContext) {
        var descriptor = libusb_device_descriptor()
        guard libusb_get_device_descriptor(pointer, &descriptor) == 0 else { return nil }
        self.pointer = libusb_ref_device(pointer)
        self.context = context
        self.vendorID = descriptor.idVendor
        self.productID = descriptor.idProduct
        self.bus = libusb_get_bus_number(pointer)
        self.address = libusb_get_device_address(pointer)
        self.serialNumberIndex = descriptor.iSerialNumber
        self.productIndex = descriptor.iProduct
        self.manufacturerIndex = descriptor.iManufacturer
        self.portPath = Self.portPath(of: pointer)
        self.hidInterfaces = Self.readHIDInterfaces(pointer)
        self.interfaceClasses = Self.readInterfaceClasses(pointer)
    }

    /// `1-1.2`: bus 1, root port 1, hub port 2 (`1-0` for a root hub). Reads only what libusb cached at enumeration,
    /// so a hot-plug callback may call it for an arrival.
    static func portPath(of device: OpaquePointer) -> String {
        var ports = [UInt8](repeating: 0, count: 8)
        let depth = libusb_get_port_numbers(device, &ports, Int32(ports.count))
        let path = depth > 0 ? ports.prefix(Int(depth)).map { String($0) }.joined(separator: ".") : "0"
        return "\(libusb_get_bus_number(device))-\(path)"
    }

    private static func readInterfaceClasses(_ device: OpaquePointer) -> [UInt8] {
        var config: UnsafeMutablePointer<libusb_config_descriptor>?
        guard libusb_get_active_config_descriptor(device, &config) == 0, let config else { return [] }
        defer { libusb_free_config_descriptor(config) }
        return (0..<Int(config.pointee.bNumInterfaces)).compactMap { index in
            let interface = config.pointee.interface[index]
            return interface.num_altsetting > 0 ? interface.altsetting?.pointee.bInterfaceClass : nil
        }
    }

    deinit {
        libusb_unref_device(self.pointer)
    }

    /// `0c2e:0b61`
    public var idText: String { "\(Self.hex4(self.vendorID)):\(Self.hex4(self.productID))" }
    /// `USB 0c2e:0b61 at 1-1.2`, the name used in error messages.
    public var displayName: String { "USB \(self.idText) at \(self.portPath)" }
    /// The device node libusb opens, named in permission errors.
    public var nodePath: String {
        let bus = String(self.bus)
        let address = String(self.address)
        return "/dev/bus/usb/" + String(repeating: "0", count: 3 - bus.count) + bus + "/"
            + String(repeating: "0", count: 3 - address.count) + address
    }

    /// Opens the device; throws with the fix spelled out when permission is denied.
    public func open() throws(USBError) -> USBDeviceHandle {
        var handle: OpaquePointer?
        do {
            try usbCall("opening \(self.nodePath)", device: self.displayName) { libusb_open(self.pointer, &handle) }
        }
        guard let handle else { throw USBError(code: LIBUSB_ERROR_OTHER.rawValue, operation: "opening", device: self.displayName) }
        return USBDeviceHandle(pointer: handle, device: self)
    }

    static func hex4(_ value: UInt16) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    private static func readHIDInterfaces(_ device: OpaquePointer) -> [USBHIDInterface] {
        var config: UnsafeMutablePointer<libusb_config_descriptor>?
        guard libusb_get_active_config_descriptor(device, &config) == 0 || libusb_get_config_descriptor(device, 0, &config) == 0,
            let config
        else { return [] }
        defer { libusb_free_config_descriptor(config) }
        var result: [USBHIDInterface] = []
        for interfaceIndex in 0..<Int(config.pointee.bNumInterfaces) {
            let interface = config.pointee.interface[interfaceIndex]
            guard interface.num_altsetting > 0, let setting = interface.altsetting?.pointee,
                setting.bInterfaceClass == 3
            else { continue }
            for endpointIndex in 0..<Int(setting.bNumEndpoints) {
                guard let endpoint = setting.endpoint?[endpointIndex] else { continue }
                if endpoint.bmAttributes & 0x03 == 0x03, endpoint.bEndpointAddress & 0x80 != 0 {
                    result.append(
                        USBHIDInterface(
                            number: setting.bInterfaceNumber,
                            subclass: setting.bInterfaceSubClass,
                            protocol: setting.bInterfaceProtocol,
                            endpoint: endpoint.bEndpointAddress,
                            maxPacketSize: Int(endpoint.wMaxPacketSize)
                        )
                    )
                    break
                }
            }
        }
        return result
    }
}

/// A HID interface and its interrupt IN endpoint.
public struct USBHIDInterface: Sendable, Hashable {
    public var number: UInt8
    /// 1 = boot interface.
    public var subclass: UInt8
    /// With subclass 1: 1 = keyboard, 2 = mouse.
    public var `protocol`: UInt8
    public var endpoint: UInt8
    public var maxPacketSize: Int

    public var isBootKeyboard: Bool { self.subclass == 1 && self.protocol == 1 }
}
