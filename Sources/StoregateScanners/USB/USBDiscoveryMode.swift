#if canImport(Glibc)
internal import Glibc
#endif

/// How USB sources learn that a scanner was plugged in: libusb's hot-plug callbacks, or rescanning the bus.
///
/// libusb on Linux reports hot-plug events either through udev (Debian's build), which hears of a device only after
/// udevd has processed it, or through the kernel's netlink uevents (libusb built without udev). Both builds say
/// they have the capability even where udevd is not running, and then the udev build never reports an arrival. So
/// storegate uses the callbacks only when libusb has the capability and udevd is running (its control socket
/// exists, the test systemd's libudev itself uses), and otherwise rescans with a fresh libusb context, which works
/// everywhere.
public enum USBDiscoveryMode: Sendable, Hashable, CustomStringConvertible {
    /// libusb's hot-plug callbacks wake the source when a device arrives.
    case hotplugEvents
    /// The source rescans the bus every 200 ms; `reason` says why callbacks are not used.
    case rescanning(reason: String)

    /// Where udevd listens; it exists exactly while udevd runs.
    static let udevControlSocket = "/run/udev/control"

    /// The mode on this machine, now.
    public static func current() -> USBDiscoveryMode {
        self.choose(libusbHasHotplug: USBContext.hasHotplug, udevRunning: access(Self.udevControlSocket, F_OK) == 0)
    }

    /// The decision itself, from what was found.
    static func choose(libusbHasHotplug: Bool, udevRunning: Bool) -> USBDiscoveryMode {
        if !libusbHasHotplug { return .rescanning(reason: "libusb has no hot-plug support here") }
        if !udevRunning { return .rescanning(reason: "udevd is not running, so libusb reports no arrivals") }
        return .hotplugEvents
    }

    /// `hot-plug events` or `rescanning (udevd is not running, …)`, for logs and `storegate devices`.
    public var description: String {
        switch self {
        case .hotplugEvents: return "hot-plug events"
        case .rescanning(let reason): return "rescanning every 200 ms (\(reason))"
        }
    }
}

/// `storegate devices --json`'s `usbDiscovery`: `{"mode": "hot-plug-events", "description": …}` or
/// `{"mode": "rescanning", "reason": …, "description": …}`, the description being the text line's wording.
extension USBDiscoveryMode: Encodable {
    private enum CodingKeys: String, CodingKey {
        case mode, reason, description
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .hotplugEvents:
            try container.encode("hot-plug-events", forKey: .mode)
        case .rescanning(let reason):
            try container.encode("rescanning", forKey: .mode)
            try container.encode(reason, forKey: .reason)
        }
        try container.encode(self.description, forKey: .description)
    }
}
