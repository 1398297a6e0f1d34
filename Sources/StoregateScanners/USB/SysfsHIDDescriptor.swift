#if canImport(Glibc)
internal import Glibc
#endif

/// Reads a HID interface's report descriptor from sysfs (`/sys/bus/usb/devices/1-1.2:1.0/<hid>/report_descriptor`).
///
/// Reading it from the device needs the interface claimed, and usbfs refuses while usbhid holds it; the kernel kept
/// a copy when usbhid bound, so `storegate devices` can tell HID POS from keyboard without detaching anything.
enum SysfsHIDDescriptor {
    static func read(portPath: String, interface: UInt8) -> [UInt8]? {
        let directory = "/sys/bus/usb/devices/\(portPath):1.\(interface)"
        for name in DirectoryListing.names(in: directory) {
            // HID devices are named BUS:VENDOR:PRODUCT.INSTANCE, e.g. 0003:0C2E:0B87.0002.
            guard name.hasPrefix("0003:") else { continue }
            if let bytes = self.readFile("\(directory)/\(name)/report_descriptor"), !bytes.isEmpty { return bytes }
        }
        return nil
    }

    private static func readFile(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 8192)
        let count = Glibc.read(descriptor, &buffer, buffer.count)
        return count > 0 ? Array(buffer.prefix(count)) : nil
    }
}
