import ArgumentParser
import Foundation
import StoregateCore
import StoregateScanners

/// `storegate devices`: what scanners are connected, what they are, and whether storegate may open them.
struct DevicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List connected scanners: USB id, port, known profile, mode, lane, and permission problems with the fix.",
        discussion: """
            Lists USB devices with a HID or CDC serial interface, plus /dev/ttyACM* and /dev/ttyUSB* ports. Each USB \
            device is opened briefly to read its serial number and HID report descriptor (which tells HID POS from \
            keyboard-wedge); nothing is claimed. Lanes come from --device specs (as for listen). The first line says \
            how USB scanners plugged in later are noticed: libusb's hot-plug events, or rescanning (and why). With \
            --json: one object, {"usb_discovery": {"mode", "reason" when rescanning, "description"}, "devices": [...]}.
            """
    )

    @Option(name: .customLong("device"), help: "A source spec with lane options, to show which lane a device maps to.")
    var devices: [String] = []

    @OptionGroup var output: OutputOptions

    func run() async throws {
        var configuration = LaneMapping()
        for text in self.devices {
            let spec = try ScanSourceSpec(parsing: text)
            if case .usb(let match) = spec.kind, let assignment = spec.assignment {
                configuration.rules.append(DeviceRule(match: match, assignment: assignment))
            }
        }
        let found = try ConnectedScanners.list(configuration: configuration)
        // How `listen` and `run` would notice a scanner plugged in: hot-plug callbacks or rescanning, and why.
        let discovery = USBDiscoveryMode.current()
        if self.output.json {
            try printJSON(DevicesJSON(usbDiscovery: discovery, devices: found))
            return
        }
        print("usb discovery: \(discovery)")
        if found.isEmpty {
            print("no scanners found (no USB HID or CDC serial device, no /dev/ttyACM* or /dev/ttyUSB*)")
        }
        for scanner in found {
            var line = "\(scanner.device)  \(scanner.mode)  lane=\(scanner.lane)"
            if let profile = scanner.profile { line += "  profile=devices/\(profile).toml" }
            if let model = scanner.model { line += " (\(model))" }
            if let product = scanner.product { line += "  \"\(product)\"" }
            if let serial = scanner.serial { line += "  serial=\(serial)" }
            print(line)
            if let problem = scanner.problem { print("  problem: \(problem)") }
        }
    }
}

/// `storegate devices --json`: the discovery mode beside the devices (an object; before the mode was added it was the
/// bare array that is now `devices`).
private struct DevicesJSON: Encodable {
    var usbDiscovery: USBDiscoveryMode
    var devices: [ConnectedScanner]
}
