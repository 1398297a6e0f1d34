import Foundation

/// Whether the config file gives its secrets away: `mqtt.password` in a file every user of the box can read is the
/// broker account of the store for anyone with a shell (a POS vendor's login, a kiosk user).
public enum ConfigFileExposure {
    /// What is wrong, or nil when the file holds no password or only its owner and group can read it.
    public static func problem(path: String, configuration: DaemonConfiguration) -> String? {
        guard let password = configuration.password, !password.isEmpty else { return nil }
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & 0o004 != 0 else { return nil }
        return "\(path) holds mqtt.password and every user of this box can read it (mode \(String(info.st_mode & 0o777, radix: 8)))"
    }

    /// The commands that fix it (the service reads the file as the storegate group).
    public static func fix(path: String) -> String {
        "chmod 640 \(path) && chgrp storegate \(path)"
    }
}
