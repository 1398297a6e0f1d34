import Foundation
import StoregateCore
@testable import StoregateScanners
import Synchronization
import Testing

/// How USB sources notice a scanner plugged in: the choice between libusb's hot-plug callbacks and rescanning,
/// which hot-plug events wake a source, and the real libusb registration and shutdown on this machine (which has no
/// USB bus: the lab proves arrivals and departures with real devices).
@Suite struct USBHotplugTests {
    @Test func callbacksOnlyWithTheCapabilityAndARunningUdevd() {
        #expect(USBDiscoveryMode.choose(libusbHasHotplug: true, udevRunning: true) == .hotplugEvents)
        guard case .rescanning(let noUdevd) = USBDiscoveryMode.choose(libusbHasHotplug: true, udevRunning: false) else {
            Issue.record("without udevd libusb's udev backend reports no arrivals: must rescan")
            return
        }
        #expect(noUdevd.contains("udevd is not running"))
        guard case .rescanning(let noCapability) = USBDiscoveryMode.choose(libusbHasHotplug: false, udevRunning: true) else {
            Issue.record("without the capability there are no callbacks: must rescan")
            return
        }
        #expect(noCapability.contains("no hot-plug support"))
        #expect("\(USBDiscoveryMode.rescanning(reason: "why"))" == "rescanning every 200 ms (why)")
    }

    @Test func theModeEncodesForDevicesJSON() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let events = String(decoding: try encoder.encode(USBDiscoveryMode.hotplugEvents), as: UTF8.self)
        #expect(events == #"{"description":"hot-plug events","mode":"hot-plug-events"}"#)
        let rescanning = String(decoding: try encoder.encode(USBDiscoveryMode.rescanning(reason: "why")), as: UTF8.self)
        #expect(rescanning == #"{"description":"rescanning every 200 ms (why)","mode":"rescanning","reason":"why"}"#)
    }

    @Test func arrivalsWakeOnlyASourceTheDeviceMayBelongTo() {
        let scanner = USBHotplugEvent(kind: .arrived, vendorID: 0x0627, productID: 0x0001, portPath: "1-1")
        #expect(scanner.mayBe(.vendorProduct(0x0627, 0x0001)))
        #expect(scanner.mayBe(.vendorProduct(0x0627, nil)))
        #expect(!scanner.mayBe(.vendorProduct(0x0627, 0x0002)))
        #expect(!scanner.mayBe(.vendorProduct(0x0C2E, nil)))
        #expect(scanner.mayBe(.portPath("1-1")))
        #expect(!scanner.mayBe(.portPath("1-2")))
        // The serial number needs the device opened, which a hot-plug callback may not do: any arrival may be it.
        #expect(scanner.mayBe(.serialNumber("VKBD1")))
        // A departure carries no port (libusb allows only the device descriptor then).
        let left = USBHotplugEvent(kind: .left, vendorID: 0x0627, productID: 0x0001, portPath: nil)
        #expect(left.mayBe(.portPath("1-1")))
        #expect("\(scanner)" == "arrived usb:0627:0001@1-1" && "\(left)" == "left usb:0627:0001")
    }

    /// The callback is registered on a real libusb context, the source waits on it (no device has these ids), and
    /// cancelling stops the event thread and returns promptly.
    @Test func aHotplugSourceWaitsForArrivalsAndStopsWhenCancelled() async throws {
        try await Self.runUntilCancelled(discovery: .hotplugEvents, expecting: "finding usb:ffff:fffe by hot-plug events")
    }

    @Test func aRescanningSourceSaysWhyAndStopsWhenCancelled() async throws {
        try await Self.runUntilCancelled(discovery: .rescanning(reason: "told to"),
                                         expecting: "finding usb:ffff:fffe by rescanning every 200 ms (told to)")
    }

    private static func runUntilCancelled(discovery: USBDiscoveryMode, expecting status: String) async throws {
        let statuses = Mutex<[String]>([])
        var source = USBHIDSource(name: "usb:ffff:fffe", match: .vendorProduct(0xFFFF, 0xFFFE))
        source.discovery = discovery
        source.onStatus = { line in statuses.withLock { $0.append(line) } }
        let running = Task { [source] in try await source.run { _ in Issue.record("no device, so no scan") } }
        try await Task.sleep(for: .milliseconds(500))
        let start = ContinuousClock.now
        running.cancel()
        _ = await running.result
        #expect(ContinuousClock.now - start < .seconds(2))
        #expect(statuses.withLock { $0 } == [status])
    }
}
