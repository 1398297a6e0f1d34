#if canImport(Glibc)
internal import Glibc
#endif
import StoregateCore

/// Builds the source a spec string names: what the daemon and `storegate listen` call.
///
/// ```swift
/// let spec = try ScanSourceSpec(parsing: "usb:0c2e:0b61,lane=2,role=checkout,layout=de")
/// let source = try ScanSources.make(spec, configuration: configuration)
/// try await source.run { event in … }
/// ```
public enum ScanSources {
    /// The source for `spec`; the spec's options override `configuration` for this device. `onStatus` receives
    /// device state changes (how a USB device is found: hot-plug events or rescanning; opened, gone, hot-plug
    /// arrivals, permission problems) as text.
    public static func make(_ spec: ScanSourceSpec, configuration: LaneMapping = LaneMapping(),
                            onStatus: (@Sendable (String) -> Void)? = nil) throws -> any ScanSource {
        switch spec.kind {
        case .usb(let match):
            var source = USBHIDSource(name: spec.text, match: match, configuration: configuration, assignment: spec.assignment)
            source.onStatus = onStatus
            return source
        case .evdev(let path):
            var source = EvdevSource(name: spec.text, path: path,
                                     assignment: spec.assignment ?? configuration.assignment(for: DeviceIdentity(path: path)))
            source.onStatus = onStatus
            return source
        case .serial(let path):
            var source = SerialSource(name: spec.text, path: path,
                                      assignment: spec.assignment ?? configuration.assignment(for: DeviceIdentity(path: path)))
            source.onStatus = onStatus
            return source
        case .replay(let path):
            let text = try Self.readFile(path)
            return ReplaySource(name: "replay:\(path)", text: text,
                                assignment: spec.assignment ?? configuration.assignment(for: DeviceIdentity(path: path)))
        case .stdin:
            return StdinSource(assignment: spec.assignment ?? configuration.defaultAssignment)
        }
    }

    /// A whole (small) file as UTF-8 text; invalid bytes become U+FFFD.
    static func readFile(_ path: String) throws -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw DeviceFileError(path: path, operation: "opening", errno: errno) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            if count > 0 {
                bytes.append(contentsOf: buffer.prefix(count))
            } else if count == 0 {
                break
            } else if errno != EINTR {
                throw DeviceFileError(path: path, operation: "reading", errno: errno)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
