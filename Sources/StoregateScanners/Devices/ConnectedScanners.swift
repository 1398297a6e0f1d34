#if canImport(Glibc)
internal import Glibc
#endif
import StoregateCore

/// One scanner-like device found on this machine, for `storegate devices`.
public struct ConnectedScanner: Sendable, Hashable, Encodable {
    /// The spec that selects it, e.g. `usb:0c2e:0b61` or `serial:/dev/ttyACM0`.
    public var device: String
    public var portPath: String?
    /// `hid-pos`, `keyboard-wedge`, `serial`, `hid` (HID but unreadable descriptor) or `unknown`.
    public var mode: String
    public var lane: String
    public var profile: String?
    /// The model usb.ids names for the product id, when known.
    public var model: String?
    public var product: String?
    public var serial: String?
    /// What stops storegate from using it, with the fix.
    public var problem: String?
}

/// Finds what `storegate devices` shows.
public enum ConnectedScanners {
    public static func list(configuration: LaneMapping) throws -> [ConnectedScanner] {
        var found: [ConnectedScanner] = []
        let context = try USBContext()
        for device in try context.devices() {
            let isHID = !device.hidInterfaces.isEmpty
            let isSerial = device.interfaceClasses.contains(0x02) || device.interfaceClasses.contains(0x0A)
            guard isHID || isSerial else { continue }
            var identity = DeviceIdentity(vendorID: device.vendorID, productID: device.productID, portPath: device.portPath)
            let known = KnownScanners.entry(vendorID: device.vendorID, productID: device.productID)
            var scanner = ConnectedScanner(device: "usb:\(device.idText)", portPath: device.portPath,
                                           mode: isHID ? "hid" : "serial", lane: "", profile: known?.profile,
                                           model: known?.model)
            do {
                let handle = try device.open()
                defer { handle.close() }
                scanner.product = handle.product
                scanner.serial = handle.serialNumber
                identity.serialNumber = scanner.serial
                if isHID {
                    scanner.mode = Self.mode(of: device, handle: handle)
                }
            } catch {
                scanner.problem = "\(error)"
                if let mode = known?.mode { scanner.mode = mode }
            }
            scanner.lane = configuration.assignment(for: identity).lane
            found.append(scanner)
        }
        for path in Self.serialPorts() {
            var scanner = ConnectedScanner(device: "serial:\(path)", mode: "serial",
                                           lane: configuration.assignment(for: DeviceIdentity(path: path)).lane)
            let descriptor = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
            if descriptor < 0 {
                scanner.problem = "\(DeviceFileError.opening(path, errno: errno, group: "storegate (or dialout)"))"
            } else {
                close(descriptor)
            }
            found.append(scanner)
        }
        return found
    }

    private static func mode(of device: USBDevice, handle: USBDeviceHandle) -> String {
        for interface in device.hidInterfaces {
            guard let bytes = SysfsHIDDescriptor.read(portPath: device.portPath, interface: interface.number)
                    ?? (try? handle.hidReportDescriptor(interface: interface.number)),
                let descriptor = try? HIDReportDescriptor(parsing: bytes)
            else { continue }
            if descriptor.isBarCodeScanner { return "hid-pos" }
            if descriptor.isKeyboard { return "keyboard-wedge" }
        }
        return device.hidInterfaces.contains { $0.isBootKeyboard } ? "keyboard-wedge" : "hid"
    }

    /// /dev/ttyACM* and /dev/ttyUSB*, sorted.
    static func serialPorts() -> [String] {
        guard let directory = opendir("/dev") else { return [] }
        defer { closedir(directory) }
        var ports: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasPrefix("ttyACM") || name.hasPrefix("ttyUSB") { ports.append("/dev/" + name) }
        }
        return ports.sorted()
    }
}
