import Foundation
import StoregateCore
import StoregateDaemon
import StoregateScanners
#if canImport(Glibc)
import Glibc
#endif

/// Check 8: every configured `[[scanner]]` is there now and may be opened: a USB scanner is connected (and in which
/// mode, from its report descriptor), an evdev or serial node opens, a replay file is readable. Uses what
/// `storegate devices` uses, including its permission diagnosis and fix.
struct ScannersCheck: DoctorCheck {
    let name = "scanners"
    static let devicesHint = "`storegate devices` lists what is connected"

    func run(_ context: DoctorContext) -> DoctorFinding {
        let connected = Result { try ConnectedScanners.list(configuration: LaneMapping()) }
        let configured = context.configuration.scanners
        guard !configured.isEmpty else {
            return .warn(self.name, "no [[scanner]] configured; connected: \(Self.describe(connected))",
                         fix: "add a [[scanner]] with source, lane and role (docs/config.md); \(Self.devicesHint)")
        }
        var report = Report()
        for scanner in configured {
            let label = "\(scanner.source) (lane \(scanner.lane), \(scanner.role.rawValue))"
            do {
                let lane = LaneAssignment(lane: scanner.lane, role: scanner.role)
                let spec = try ScanSourceSpec(parsing: scanner.source, defaults: lane)
                self.check(spec, label: label, connected: connected, into: &report)
            } catch {
                report.fail("\(label): \(error)", fix: "correct the [[scanner]] source (docs/scanners.md)")
            }
        }
        let typing = configured.filter { $0.passThrough != nil }.map(\.lane)
        if !typing.isEmpty { Self.checkPassThroughKeyboard(context.uinputPath, lanes: typing, into: &report) }
        guard report.failures.isEmpty else {
            return .fail(self.name, "\(configured.count) configured, \(report.ready.count) ready: "
                            + report.failures.joined(separator: "; "), details: report.lines, fix: report.fixes.joined(separator: "; "))
        }
        return .ok(self.name, "\(configured.count) configured, all ready: \(report.ready.joined(separator: ", "))",
                   details: report.lines)
    }

    private func check(_ spec: ScanSourceSpec, label: String, connected: Result<[ConnectedScanner], any Error>,
                       into report: inout Report) {
        let layout = spec.assignment?.layout ?? KeyboardLayout.us
        switch spec.kind {
        case .usb(let match):
            guard case .success(let devices) = connected else {
                report.fail("\(label): cannot list USB devices: \(Self.describe(connected))",
                            fix: "run the doctor as root to see why libusb fails")
                return
            }
            guard let device = devices.first(where: { $0.matches(match) }) else {
                report.fail("\(match) not connected; connected scanners: \(Self.describe(connected))",
                            fix: "plug it in or correct the [[scanner]] source; \(Self.devicesHint)")
                return
            }
            if let problem = device.problem {
                report.fail("\(label): \(problem)", fix: device.fix ?? Self.devicesHint)
                return
            }
            report.ready("\(label): \(device.device) at port \(device.portPath ?? "?"), \(device.mode)"
                + (device.profile.map { ", profile devices/\($0).toml" } ?? ""), short: "\(spec) \(device.mode)")
            if device.mode == "keyboard-wedge" { report.lines.append(Self.keyboardHint(layout)) }
        case .evdev(let path):
            self.probe(path, group: DeviceNodeProbe.inputGroup, label: label, mode: "keyboard-wedge (evdev)", into: &report)
            report.lines.append(Self.keyboardHint(layout))
        case .serial(let path):
            self.probe(path, group: DeviceNodeProbe.serialGroup, label: label, mode: "serial", into: &report)
        case .replay(let path):
            if FileManager.default.isReadableFile(atPath: path) {
                report.ready("\(label): replay file readable", short: "\(spec)")
            } else {
                let why = FileManager.default.fileExists(atPath: path) ? "cannot be read by this user" : "does not exist"
                report.fail("\(label): replay file \(path) \(why)", fix: "create the file or correct the [[scanner]] source")
            }
        case .stdin:
            report.ready("\(label): reads standard input", short: "\(spec)")
        }
    }

    private func probe(_ path: String, group: String, label: String, mode: String, into report: inout Report) {
        if let problem = DeviceNodeProbe.problem(opening: path, group: group) {
            report.fail("\(label): \(problem)", fix: problem.hint ?? Self.devicesHint)
        } else {
            report.ready("\(label): \(path) opens, \(mode)", short: "\(path) \(mode)")
        }
    }

    /// Keyboard pass-through types on a virtual keyboard made through uinput: the node must be there (the `uinput`
    /// module) and writable by this user. Without either, scans are answered but nothing reaches the till, and the
    /// daemon says why only in its log.
    private static func checkPassThroughKeyboard(_ path: String, lanes: [String], into report: inout Report) {
        let label = "pass-through of lane\(lanes.count == 1 ? "" : "s") \(lanes.joined(separator: ", "))"
        let descriptor = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor < 0 else {
            close(descriptor)
            report.ready("\(label): \(path) writable, the virtual keyboard can be made", short: "pass-through keyboard")
            return
        }
        let code = errno
        switch code {
        case ENOENT:
            report.fail("\(label): \(path) does not exist",
                        fix: "load the uinput module: modprobe uinput, and echo uinput > /etc/modules-load.d/uinput.conf")
        case EACCES, EPERM:
            report.fail("\(label): \(path) is not writable by this user",
                        fix: "uncomment the uinput line of devices/udev/60-storegate.rules and DeviceAllow=/dev/uinput rw in the unit "
                            + "(docs/scanners.md, \"Keyboard pass-through\")")
        default:
            report.fail("\(label): \(path): \(String(cString: strerror(code)))",
                        fix: "docs/scanners.md, \"Keyboard pass-through\"")
        }
    }

    /// What bites keyboard-wedge scanners (docs/scanners.md, "What bites"), as a reminder beside one that works.
    static func keyboardHint(_ layout: KeyboardLayout) -> String {
        "keyboard-wedge read with layout=\(layout.name): the scanner's keyboard country must be the same (a German scanner "
            + "read as US types z for y), and GS must come as Ctrl+] or Alt+0029 (docs/scanners.md, \"What bites\")"
    }

    /// `usb:0c2e:0b61 (hid-pos, port 1-1.2), serial:/dev/ttyACM0 (serial)`, `none`, or why the bus cannot be listed.
    static func describe(_ connected: Result<[ConnectedScanner], any Error>) -> String {
        switch connected {
        case .failure(let error):
            return "unknown (\(error))"
        case .success(let devices) where devices.isEmpty:
            return "none"
        case .success(let devices):
            return devices.map { "\($0.device) (\($0.mode)\($0.portPath.map { ", port \($0)" } ?? ""))" }.joined(separator: ", ")
        }
    }

    /// What the configured scanners came to: a line per scanner that is ready (and hints), the same in short for the
    /// summary, and the failures with their fixes.
    private struct Report {
        var lines: [String] = []
        var ready: [String] = []
        var failures: [String] = []
        var fixes: [String] = []

        mutating func ready(_ line: String, short: String) {
            self.lines.append(line)
            self.ready.append(short)
        }

        mutating func fail(_ failure: String, fix: String) {
            self.failures.append(failure)
            if !self.fixes.contains(fix) { self.fixes.append(fix) }
        }
    }
}
