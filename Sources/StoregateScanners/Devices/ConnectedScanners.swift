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
    /// The fix alone (the udev rule and group for a permission problem), when there is one.
    public var fix: String?
    /// What a spec's ``DeviceMatch`` is compared with (ids, serial number, port, device node).
    public var identity: DeviceIdentity

    /// Whether a configured source's device match selects this device.
    public func matches(_ match: DeviceMatch) -> Bool { match.matches(self.identity) }

    // `identity` repeats the fields above for matching and `fix` repeats the end of `problem`: both are left out of
    // `storegate devices --json`.
    private enum CodingKeys: String, CodingKey {
        case device, portPath, mode, lane, profile, model, product, serial, problem
    }
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
                                           model: known?.model, identity: identity)
            do {
                let handle = try device.open()
                defer { handle.close() }
                scanner.product = handle.product
                scanner.serial = handle.serialNumber
                identity.serialNumber = scanner.serial
                scanner.identity = identity
                if isHID {
                    scanner.mode = Self.mode(of: device, handle: handle)
                }
            } catch {
                scanner.problem = "\(error)"
                scanner.fix = error.hint
                if let mode = known?.mode { scanner.mode = mode }
            }
            scanner.lane = configuration.assignment(for: identity).lane
            found.append(scanner)
        }
        for path in Self.serialPorts() {
            let identity = DeviceIdentity(path: path)
            var scanner = ConnectedScanner(device: "serial:\(path)", mode: "serial",
                                           lane: configuration.assignment(for: identity).lane, identity: identity)
            let problem = DeviceNodeProbe.problem(opening: path, group: DeviceNodeProbe.serialGroup)
            scanner.problem = problem.map { "\($0)" }
            scanner.fix = problem?.hint
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
        DirectoryListing.names(in: "/dev").filter { $0.hasPrefix("ttyACM") || $0.hasPrefix("ttyUSB") }.map { "/dev/" + $0 }.sorted()
    }
}
