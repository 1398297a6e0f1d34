#if canImport(Glibc)
internal import Glibc
#endif
internal import CLibUSB
import Synchronization

/// An open device. Close it with ``close()`` after every transfer on it has finished (libusb's rule).
public final class USBDeviceHandle: Sendable {
    /// libusb handles may be used from several threads (hence `nonisolated(unsafe)`: the pointer itself never changes).
    nonisolated(unsafe) let pointer: OpaquePointer
    public let device: USBDevice
    /// The interfaces claimed, and whether the handle was closed (close() may race the owner's deinit).
    private let state = Mutex<(claimed: [Int32], closed: Bool)>(([], false))

    init(pointer: OpaquePointer, device: USBDevice) {
        self.pointer = pointer
        self.device = device
    }

    deinit {
        self.close()
    }

    /// Releases claimed interfaces (reattaching the kernel driver libusb detached) and closes the device.
    public func close() {
        let claimed = self.state.withLock { state -> [Int32]? in
            guard !state.closed else { return nil }
            state.closed = true
            defer { state.claimed = [] }
            return state.claimed
        }
        guard let claimed else { return }
        for interface in claimed {
            _ = libusb_release_interface(self.pointer, interface)
        }
        libusb_close(self.pointer)
    }

    /// Takes an interface for storegate: detaches the kernel driver (usbhid would otherwise turn the reports into
    /// keystrokes for the console and the POS) and claims it. libusb reattaches the driver on release.
    public func takeInterface(_ number: UInt8) throws(USBError) {
        let interface = Int32(number)
        let name = self.device.displayName
        // With auto-detach libusb detaches usbhid in claim and reattaches it on release, so the scanner types
        // into the console again once storegate lets go. Detaching by hand would stop libusb from reattaching.
        if libusb_set_auto_detach_kernel_driver(self.pointer, 1) != 0, libusb_kernel_driver_active(self.pointer, interface) == 1 {
            let result = libusb_detach_kernel_driver(self.pointer, interface)
            if result < 0 && result != LIBUSB_ERROR_NOT_FOUND.rawValue {
                throw USBError(code: result, operation: "detaching the kernel driver from interface \(number)", device: name,
                               hint: result == LIBUSB_ERROR_ACCESS.rawValue ? USBError.permissionHint : nil)
            }
        }
        try usbCall("claiming interface \(number)", device: name) { libusb_claim_interface(self.pointer, interface) }
        self.state.withLock { $0.claimed.append(interface) }
    }

    /// A string descriptor in US English (manufacturer, product, serial number), nil for index 0 or on error.
    public func string(atIndex index: UInt8) -> String? {
        guard index != 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = libusb_get_string_descriptor_ascii(self.pointer, index, &buffer, Int32(buffer.count))
        guard length > 0 else { return nil }
        return String(decoding: buffer.prefix(Int(length)), as: UTF8.self)
    }

    public var serialNumber: String? { self.string(atIndex: self.device.serialNumberIndex) }
    public var product: String? { self.string(atIndex: self.device.productIndex) }
    public var manufacturer: String? { self.string(atIndex: self.device.manufacturerIndex) }

    /// GET_DESCRIPTOR (HID report descriptor, 0x22) on an interface: the bytes the scanner describes its reports with.
    public func hidReportDescriptor(interface: UInt8) throws(USBError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let length = try usbCall("reading the HID report descriptor of interface \(interface)", device: self.device.displayName) {
            libusb_control_transfer(self.pointer, 0x81, 0x06, 0x2200, UInt16(interface), &buffer, UInt16(buffer.count), 1000)
        }
        return Array(buffer.prefix(Int(length)))
    }

    /// HID SET_PROTOCOL(boot) on a boot keyboard interface, so reports are the 8-byte boot format whatever the
    /// report descriptor says. Errors are ignored: a keyboard that refuses stays in report protocol, which is the
    /// boot format for the plain keyboards scanners emulate.
    public func selectBootProtocol(interface: UInt8) {
        _ = libusb_control_transfer(self.pointer, 0x21, 0x0B, 0, UInt16(interface), nil, 0, 500)
    }

    /// GET_STATUS on the device: tells a device that is really gone (NO_DEVICE) from a transient transfer error.
    public func isGone() -> Bool {
        var status = [UInt8](repeating: 0, count: 2)
        for _ in 0..<25 {
            let result = libusb_control_transfer(self.pointer, 0x80, 0x00, 0, 0, &status, 2, 200)
            if result >= 0 { return false }
            if result == LIBUSB_ERROR_NO_DEVICE.rawValue { return true }
            usleep(20_000)
        }
        return true
    }
}
