internal import CLibUSB

/// A device arriving or leaving, as libusb's hot-plug callback reported it.
struct USBHotplugEvent: Sendable, Hashable, CustomStringConvertible {
    enum Kind: Sendable, Hashable {
        case arrived
        case left
    }

    var kind: Kind
    var vendorID: UInt16
    var productID: UInt16
    /// Known for arrivals only: libusb allows nothing but the device descriptor in a "left" callback.
    var portPath: String?

    /// Whether the device may be the one `match` names. A serial number needs the device opened, which the
    /// callback may not do, so any arrival may be a serial-number match.
    func mayBe(_ match: DeviceMatch) -> Bool {
        switch match {
        case .vendorProduct, .path:
            return match.matches(DeviceIdentity(vendorID: self.vendorID, productID: self.productID, portPath: self.portPath))
        case .portPath(let port):
            return self.portPath.map { $0 == port } ?? true
        case .serialNumber:
            return true
        }
    }

    /// `arrived usb:0627:0001@1-1`
    var description: String {
        let kind = self.kind == .arrived ? "arrived" : "left"
        return "\(kind) usb:\(USBIDText.hex4(self.vendorID)):\(USBIDText.hex4(self.productID))" + (self.portPath.map { "@\($0)" } ?? "")
    }
}

/// libusb's hot-plug callback registered on a context: each arrival and departure becomes a ``USBHotplugEvent`` in
/// ``events``.
///
/// The callback runs on the context's event thread, inside libusb's event handling, where libusb forbids the
/// synchronous calls opening a scanner needs (descriptors, control transfers): it only reads the device
/// descriptor and port, queues the event and returns; the source opens the device from async code.
final class USBHotplugWatch: Sendable {
    let events: AsyncStream<USBHotplugEvent>
    private let context: USBContext
    private let handle: libusb_hotplug_callback_handle
    private let sink: Sink

    /// What the callback reaches through `user_data`; retained by the watch for as long as it is registered.
    final class Sink: Sendable {
        let continuation: AsyncStream<USBHotplugEvent>.Continuation
        init(_ continuation: AsyncStream<USBHotplugEvent>.Continuation) { self.continuation = continuation }
    }

    init(context: USBContext) throws(USBError) {
        // Only the newest events matter: each one just tells the waiting source to look at the bus again.
        let (stream, continuation) = AsyncStream.makeStream(of: USBHotplugEvent.self, bufferingPolicy: .bufferingNewest(32))
        let sink = Sink(continuation)
        var handle = libusb_hotplug_callback_handle()
        let events = Int32(LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED.rawValue | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT.rawValue)
        try usbCall("registering the hot-plug callback") {
            libusb_hotplug_register_callback(context.pointer, events, 0, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
                                             LIBUSB_HOTPLUG_MATCH_ANY, usbHotplugCallback,
                                             Unmanaged.passUnretained(sink).toOpaque(), &handle)
        }
        self.events = stream
        self.context = context
        self.handle = handle
        self.sink = sink
    }

    /// Deregisters the callback and ends ``events``. Call before stopping the event thread; the sink stays alive
    /// with the watch, so a callback already running when this is called is harmless.
    func cancel() {
        libusb_hotplug_deregister_callback(self.context.pointer, self.handle)
        self.sink.continuation.finish()
    }
}

/// libusb's hot-plug callback: a plain C function finding its sink through `user_data`. Returns 0 to stay registered.
private let usbHotplugCallback: libusb_hotplug_callback_fn = { _, device, event, userData in
    guard let device, let userData else { return 0 }
    var descriptor = libusb_device_descriptor()
    guard libusb_get_device_descriptor(device, &descriptor) == 0 else { return 0 }
    let arrived = event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED
    let report = USBHotplugEvent(kind: arrived ? .arrived : .left, vendorID: descriptor.idVendor, productID: descriptor.idProduct,
                                 portPath: arrived ? USBDevice.portPath(of: device) : nil)
    Unmanaged<USBHotplugWatch.Sink>.fromOpaque(userData).takeUnretainedValue().continuation.yield(report)
    return 0
}
