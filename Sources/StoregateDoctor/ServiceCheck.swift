import Foundation

/// Check 9: the `storegate` systemd unit is installed, enabled and active. Skipped, never failed, where systemd is
/// not running (a container, a developer's machine).
struct ServiceCheck: DoctorCheck {
    let name = "service"
    static let unit = "storegate.service"
    /// Exists exactly when systemd is the init system (what `sd_booted()` tests).
    static let systemdRuntimeDirectory = "/run/systemd/system"

    func run(_ context: DoctorContext) throws -> DoctorFinding {
        guard FileManager.default.fileExists(atPath: Self.systemdRuntimeDirectory) else {
            return .skip(self.name, "not checked: systemd is not running on this machine")
        }
        guard let systemctl = ["/usr/bin/systemctl", "/bin/systemctl"].first(where: FileManager.default.isExecutableFile) else {
            return .skip(self.name, "not checked: no systemctl")
        }
        let properties = try Self.show(systemctl: systemctl)
        let load = properties["LoadState"] ?? "?"
        let enabled = properties["UnitFileState"] ?? "?"
        let active = "\(properties["ActiveState"] ?? "?") (\(properties["SubState"] ?? "?"))"
        let summary = "\(Self.unit): \(load), \(enabled), \(active)"
        if load != "loaded" {
            return .warn(self.name, "\(Self.unit) is not installed (\(load))",
                         fix: "run systemd/install.sh from the storegate repository as root")
        }
        if enabled != "enabled" {
            return .warn(self.name, "\(summary): it will not start at boot", fix: "systemctl enable --now storegate")
        }
        if properties["ActiveState"] != "active" {
            return .warn(self.name, "\(summary): not running",
                         fix: "systemctl start storegate; `journalctl -u storegate -n 50` says why it stopped")
        }
        return .ok(self.name, summary)
    }

    /// `systemctl show`'s KEY=VALUE lines for the unit's load, enablement and activity.
    static func show(systemctl: String) throws -> [String: String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: systemctl)
        process.arguments = ["show", Self.unit, "--property=LoadState,UnitFileState,ActiveState,SubState"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var properties: [String: String] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let pair = line.split(separator: "=", maxSplits: 1)
            if pair.count == 2 { properties[String(pair[0])] = String(pair[1]) }
        }
        return properties
    }
}
