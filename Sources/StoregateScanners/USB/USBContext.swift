internal import CLibUSB
#if canImport(Glibc)
internal import Glibc
#endif

/// A libusb context: the device list and the event loop belong to it.
///
/// libusb updates a context's device list only on hot-plug events, so where those do not arrive (no udevd) a fresh
/// context per rescan is how storegate sees devices plugged in; it is cheap (a walk of sysfs). See
/// ``USBDiscoveryMode``.
public final class USBContext: Sendable {
    /// libusb contexts are thread-safe (hence `nonisolated(unsafe)`: the pointer itself never changes).
    nonisolated(unsafe) let pointer: OpaquePointer

    public init() throws(USBError) {
        var context: OpaquePointer?
        // libusb_init_context only exists from 1.0.27; Debian 12 ships 1.0.26.
        try usbCall("initialising libusb") { libusb_init(&context) }
        guard let context else { throw USBError(code: LIBUSB_ERROR_OTHER.rawValue, operation: "initialising libusb") }
        self.pointer = context
    }

    deinit {
        libusb_exit(self.pointer)
    }

    /// Whether libusb can report arrivals and departures itself on this system.
    public static var hasHotplug: Bool { libusb_has_capability(UInt32(LIBUSB_CAP_HAS_HOTPLUG.rawValue)) != 0 }

    /// Every device on every bus, with its descriptors (read from the kernel's cache: no device is opened).
    public func devices() throws(USBError) -> [USBDevice] {
        var list: UnsafeMutablePointer<OpaquePointer?>?
        let count = try usbCall("listing USB devices") { Int32(truncatingIfNeeded: libusb_get_device_list(self.pointer, &list)) }
        defer { libusb_free_device_list(list, 1) }
        var devices: [USBDevice] = []
        for index in 0..<Int(count) {
            guard let device = list?[index] else { continue }
            if let wrapped = USBDevice(retaining: device, context: self) { devices.append(wrapped) }
        }
        return devices
    }

    /// Wakes a thread blocked in event handling, e.g. to see a stop request.
    func interruptEventHandler() {
        libusb_interrupt_event_handler(self.pointer)
    }

    /// Handles pending events, waiting at most `milliseconds`.
    func handleEvents(timeoutMilliseconds milliseconds: Int) {
        var timeout = timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000)
        _ = libusb_handle_events_timeout_completed(self.pointer, &timeout, nil)
    }
}
