/// Finds a USB source's scanner and owns the libusb context and event thread it is read with, in one of the two
/// ``USBDiscoveryMode``s.
///
/// Hot-plug events: one context for the source's whole life, with the hot-plug callback registered on it; its one
/// event thread runs throughout, handling the callbacks and, while a scanner is open, its transfers. Waiting for a
/// scanner means waiting for a matching arrival. Rescanning: libusb changes a context's device list only on hot-plug
/// events, so every attempt lists the bus with a fresh context; a scanner found gets an event thread of its own,
/// stopped when it is closed. Waiting means sleeping ``rescanInterval``.
final class USBDeviceFinder: Sendable {
    /// The mode actually in use: hot-plug events fall back to rescanning if the callback cannot be registered.
    let mode: USBDiscoveryMode
    private let rescanInterval: Duration
    private let hotplug: Hotplug?

    private struct Hotplug: Sendable {
        let watch: USBHotplugWatch
        let events: USBEventThread
    }

    init(mode: USBDiscoveryMode, rescanInterval: Duration) {
        self.rescanInterval = rescanInterval
        guard mode == .hotplugEvents else {
            self.mode = mode
            self.hotplug = nil
            return
        }
        do {
            let context = try USBContext()
            let watch = try USBHotplugWatch(context: context)
            self.hotplug = Hotplug(watch: watch, events: USBEventThread(context: context))
            self.mode = mode
        } catch {
            self.hotplug = nil
            self.mode = .rescanning(reason: "\(error)")
        }
    }

    /// What ``open(_:)`` found.
    enum Found {
        case scanner(USBOpenScanner)
        /// None connected: wait for an arrival.
        case absent
        /// Connected but taken by another source or program: look again after a while.
        case taken
    }

    /// The first matching scanner, opened and claimed, with the event thread to read it on.
    func open(_ match: DeviceMatch) throws(USBError) -> Found {
        // Hot-plug: the long-lived context's list is current. Rescanning: a fresh context lists the bus as it is now.
        let context = if let hotplug = self.hotplug { hotplug.events.context } else { try USBContext() }
        switch try USBHIDConnection.open(matching: match, in: context) {
        case .opened(let connection):
            if let hotplug = self.hotplug {
                return .scanner(USBOpenScanner(connection: connection, events: hotplug.events, ownsEvents: false))
            }
            return .scanner(USBOpenScanner(connection: connection, events: USBEventThread(context: context), ownsEvents: true))
        case .absent: return .absent
        case .taken: return .taken
        }
    }

    /// Returns when a scanner matching `match` may have been plugged in; `onEvent` sees each hot-plug event that
    /// may concern it. Throws CancellationError when the task is cancelled.
    func waitForArrival(of match: DeviceMatch, onEvent: (USBHotplugEvent) -> Void) async throws {
        guard let hotplug = self.hotplug else {
            try await Task.sleep(for: self.rescanInterval)
            return
        }
        // Arrivals while a scanner was open are still buffered: the caller then just looks at the bus once more.
        for await event in hotplug.watch.events where event.mayBe(match) {
            onEvent(event)
            if event.kind == .arrived { return }
        }
        throw CancellationError()
    }

    /// Deregisters the callback, then stops the event thread (no callback runs after this returns).
    func close() {
        guard let hotplug = self.hotplug else { return }
        hotplug.watch.cancel()
        hotplug.events.stop()
    }
}

/// A scanner opened by a ``USBDeviceFinder`` and the event thread its transfers complete on.
struct USBOpenScanner: Sendable {
    let connection: USBHIDConnection
    let events: USBEventThread
    /// The thread was started for this scanner's own context (rescanning) and stops with it.
    let ownsEvents: Bool

    /// Releases the interface (usbhid is reattached) and closes the device; call after the session has stopped.
    func close() {
        self.connection.close()
        if self.ownsEvents { self.events.stop() }
    }
}
