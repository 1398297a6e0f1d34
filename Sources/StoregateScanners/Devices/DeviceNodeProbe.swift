#if canImport(Glibc)
internal import Glibc
#endif

/// Whether storegate may open a device node, found by opening it for reading and closing it again at once: nothing is
/// grabbed or configured, a terminal does not become the controlling one, and a port with no carrier does not block.
/// What `storegate devices` and `storegate doctor` report for serial ports and evdev nodes.
public enum DeviceNodeProbe {
    /// The groups the udev rule (devices/udev/60-storegate.rules) grants the nodes to, named in the fix.
    public static let serialGroup = "storegate (or dialout)"
    public static let inputGroup = "storegate (or input)"

    /// nil when `path` opens; otherwise why not, with the fix for a missing node or a permission problem.
    public static func problem(opening path: String, group: String) -> DeviceFileError? {
        let descriptor = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return DeviceFileError.opening(path, errno: errno, group: group) }
        close(descriptor)
        return nil
    }
}
