public import StoregateScanners

/// Builds the daemon's scan sources from configured spec strings through the scanner module.
public enum SourceFactory {
    /// The spec forms, for error messages.
    public static let supported = "usb:VID[:PID], usb:serial=S, usb:port=PATH, evdev:/dev/input/eventN, serial:/dev/ttyACM0, replay:FILE, stdin"

    /// Why `spec` cannot name a source, or nil when it can.
    public static func problem(with spec: String) -> String? {
        do {
            _ = try ScanSourceSpec(parsing: spec)
            return nil
        } catch {
            return error.message
        }
    }

    /// The source for one configured scanner; the scanner's lane and role are the defaults its spec options override.
    public static func make(_ scanner: ScannerConfiguration, onStatus: @escaping @Sendable (String) -> Void) throws -> any ScanSource {
        let spec = try ScanSourceSpec(parsing: scanner.source, defaults: LaneAssignment(lane: scanner.lane, role: scanner.role))
        return try ScanSources.make(spec, onStatus: onStatus)
    }
}
