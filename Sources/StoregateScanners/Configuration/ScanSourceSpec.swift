import StoregateCore

/// A scan source written as one string, as on `storegate listen --device` and in configuration:
///
/// ```
/// usb:0c2e:0b61[,lane=2][,role=checkout][,layout=de][,suffix=enter|tab|none|HEX][,timeout=MS]
/// usb:serial=18012B0123   usb:port=1-1.2
/// evdev:/dev/input/event3[,layout=fr]   serial:/dev/ttyACM0   replay:FILE   stdin
/// ```
/// Options after commas set the lane assignment; without them the ``LaneMapping`` decides.
public struct ScanSourceSpec: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        case usb(DeviceMatch)
        case evdev(path: String)
        case serial(path: String)
        case replay(path: String)
        case stdin
    }

    public var kind: Kind
    /// The assignment the options set, applied over the configuration's for this device.
    public var assignment: LaneAssignment?
    public let text: String

    public var description: String { self.text }

    /// A spec that cannot be read, with what is wrong and an example.
    public struct FormatError: Error, Sendable, Hashable, CustomStringConvertible {
        public var spec: String
        public var message: String
        public var description: String { "device \(self.spec): \(self.message)" }
    }

    public init(parsing text: String, defaults: LaneAssignment? = nil) throws(FormatError) {
        self.text = text
        var parts = text.split(separator: ",", omittingEmptySubsequences: false)
        let source = parts.isEmpty ? "" : parts.removeFirst()
        func fail(_ message: String) -> FormatError { FormatError(spec: text, message: message) }
        if source == "stdin" || source == "-" {
            self.kind = .stdin
        } else if source.hasPrefix("usb:") {
            let rest = source.dropFirst(4)
            if rest.hasPrefix("serial=") {
                self.kind = .usb(.serialNumber(String(rest.dropFirst(7))))
            } else if rest.hasPrefix("port=") {
                self.kind = .usb(.portPath(String(rest.dropFirst(5))))
            } else {
                let ids = rest.split(separator: ":", omittingEmptySubsequences: false)
                guard ids.count <= 2, let vendor = ids.first.flatMap(USBIDText.parse) else {
                    throw fail("expected usb:VID[:PID] in hex, e.g. usb:0c2e:0b61, or usb:serial=… or usb:port=1-1.2")
                }
                var product: UInt16?
                if ids.count == 2 {
                    guard let parsed = USBIDText.parse(ids[1]) else { throw fail("'\(ids[1])' is not a USB product id (hex, e.g. 0b61)") }
                    product = parsed
                }
                self.kind = .usb(.vendorProduct(vendor, product))
            }
        } else if source.hasPrefix("evdev:") {
            self.kind = .evdev(path: String(source.dropFirst(6)))
        } else if source.hasPrefix("serial:") {
            self.kind = .serial(path: String(source.dropFirst(7)))
        } else if source.hasPrefix("replay:") {
            self.kind = .replay(path: String(source.dropFirst(7)))
        } else {
            throw fail("unknown source; expected usb:VID:PID, usb:serial=…, usb:port=…, evdev:PATH, serial:PATH, replay:FILE or stdin")
        }
        if case .evdev(let path) = self.kind, path.isEmpty { throw fail("evdev: needs a path, e.g. evdev:/dev/input/event3") }
        if case .serial(let path) = self.kind, path.isEmpty { throw fail("serial: needs a path, e.g. serial:/dev/ttyACM0") }
        if case .replay(let path) = self.kind, path.isEmpty { throw fail("replay: needs a file, e.g. replay:scans.txt") }
        guard !parts.isEmpty else {
            self.assignment = defaults
            return
        }
        var assignment = defaults ?? LaneAssignment()
        for option in parts {
            let pair = option.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { throw fail("option '\(option)' is not KEY=VALUE") }
            let value = String(pair[1])
            switch pair[0] {
            case "lane":
                assignment.lane = value
            case "role":
                guard let role = LaneRole(rawValue: value) else {
                    throw fail("role '\(value)' is not one of \(LaneRole.names)")
                }
                assignment.role = role
            case "layout":
                guard let layout = KeyboardLayout.named(value) else {
                    throw fail("layout '\(value)' is not one of \(KeyboardLayout.all.map(\.name).joined(separator: ", "))")
                }
                assignment.layout = layout
            case "suffix":
                guard let terminators = Self.terminators(value) else {
                    throw fail("suffix '\(value)' is not enter, tab, none or hex bytes such as 0d0a")
                }
                assignment.segmentation.terminators = terminators
            case "timeout":
                guard let milliseconds = Int64(value), milliseconds > 0, milliseconds <= 60_000 else {
                    throw fail("timeout '\(value)' is not a number of milliseconds (1-60000)")
                }
                assignment.segmentation.interKeyTimeoutMilliseconds = milliseconds
            default:
                throw fail("unknown option '\(pair[0])'; options are lane, role, layout, suffix, timeout")
            }
        }
        self.assignment = assignment
    }

    /// `enter`, `tab`, `none` or hex bytes → the terminator bytes; nil if unreadable.
    public static func terminators(_ value: String) -> [UInt8]? {
        switch value {
        case "enter": return [0x0D, 0x0A]
        case "tab": return [0x09]
        case "none": return []
        default:
            guard let bytes = ReportCapture.bytes(fromHex: value), !bytes.isEmpty else { return nil }
            return bytes
        }
    }
}
