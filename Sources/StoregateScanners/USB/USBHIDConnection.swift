import StoregateCore

/// A matched USB HID scanner, opened and claimed: everything a ``USBHIDSource`` session needs.
final class USBHIDConnection: Sendable {
    // Immutable after open; closed once by the source after its session has stopped.
    let handle: USBDeviceHandle
    let interface: USBHIDInterface
    let identity: DeviceIdentity
    /// Parsed report descriptor, nil if the device would not send one.
    let descriptor: HIDReportDescriptor?

    private init(handle: USBDeviceHandle, interface: USBHIDInterface, identity: DeviceIdentity, descriptor: HIDReportDescriptor?) {
        self.handle = handle
        self.interface = interface
        self.identity = identity
        self.descriptor = descriptor
    }

    /// `usb:0c2e:0b61@1-1.2`
    var deviceName: String { "usb:\(self.handle.device.idText)@\(self.handle.device.portPath)" }

    var isHIDPOS: Bool { self.descriptor?.isBarCodeScanner == true }
    var modeName: String { self.isHIDPOS ? "hid-pos" : "keyboard-wedge" }

    /// What ``open(matching:in:)`` found.
    enum Found {
        case opened(USBHIDConnection)
        /// No matching device is connected.
        case absent
        /// Matching devices are connected but another source or program has each of them: no hot-plug event will
        /// say when one is released.
        case taken
    }

    /// Finds, opens and claims the first device in `context`'s list that matches.
    static func open(matching match: DeviceMatch, in context: USBContext) throws(USBError) -> Found {
        var firstError: USBError?
        var taken = false
        for device in try context.devices() where !device.hidInterfaces.isEmpty {
            var identity = DeviceIdentity(vendorID: device.vendorID, productID: device.productID, portPath: device.portPath)
            if case .vendorProduct = match, !match.matches(identity) { continue }
            if case .portPath = match, !match.matches(identity) { continue }
            do {
                let handle = try device.open()
                identity.serialNumber = handle.serialNumber
                guard match.matches(identity) else {
                    handle.close()
                    continue
                }
                if let connection = try Self.claim(handle, identity: identity) { return .opened(connection) }
            } catch USBError.busy {
                taken = true  // another source (or program) has this one: try the next match
            } catch USBError.noDevice {
                continue  // unplugged since the list was made (libusb may not have processed the departure yet)
            } catch {
                firstError = firstError ?? error
            }
        }
        if let firstError { throw firstError }
        return taken ? .taken : .absent
    }

    /// Claims the scanner's HID interface: the HID POS one if there is one, else the boot keyboard, else the first.
    private static func claim(_ handle: USBDeviceHandle, identity: DeviceIdentity) throws(USBError) -> USBHIDConnection? {
        // The descriptor comes from sysfs while usbhid is bound (usbfs refuses the request then), else from the
        // device once the interface is claimed.
        var candidates: [(USBHIDInterface, HIDReportDescriptor?)] = []
        for interface in handle.device.hidInterfaces {
            let bytes = SysfsHIDDescriptor.read(portPath: handle.device.portPath, interface: interface.number)
            candidates.append((interface, bytes.flatMap { try? HIDReportDescriptor(parsing: $0) }))
        }
        let chosen = candidates.first { $0.1?.isBarCodeScanner == true }
            ?? candidates.first { $0.0.isBootKeyboard || $0.1?.isKeyboard == true }
            ?? candidates.first
        guard let (interface, sysfsDescriptor) = chosen else {
            handle.close()
            return nil
        }
        let descriptor: HIDReportDescriptor?
        do {
            try handle.takeInterface(interface.number)
            descriptor = sysfsDescriptor
                ?? (try? HIDReportDescriptor(parsing: handle.hidReportDescriptor(interface: interface.number)))
        } catch {
            handle.close()
            throw error
        }
        if descriptor?.isBarCodeScanner != true && interface.isBootKeyboard {
            handle.selectBootProtocol(interface: interface.number)
        }
        return USBHIDConnection(handle: handle, interface: interface, identity: identity, descriptor: descriptor)
    }

    func makeDecoder(assignment: LaneAssignment) -> ReportScanDecoder {
        if let descriptor = self.descriptor, descriptor.isBarCodeScanner,
            let decoder = try? ReportScanDecoder.hidPOS(descriptor: descriptor)
        {
            return decoder
        }
        return .keyboard(layout: assignment.layout, segmentation: assignment.segmentation)
    }

    func close() {
        self.handle.close()
    }
}
