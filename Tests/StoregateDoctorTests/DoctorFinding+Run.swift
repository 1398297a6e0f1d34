import Foundation
import StoregateDoctor
import StoregateTesting
import Testing

/// What the doctor's check `check` finds with `config` as the config file (a real file; no ledger, no broker).
/// `uinputPath`: where the check looks for uinput instead of /dev/uinput.
func doctorFinding(_ check: String, config: String, uinputPath: String? = nil) async throws -> DoctorFinding {
    let directory = try TemporaryDirectory(prefix: "storegate-doctor")
    defer { directory.remove() }
    let path = directory.file("storegate.toml")
    try config.write(toFile: path, atomically: true, encoding: .utf8)
    var context = DoctorContext(configPath: path, overrides: { _ in }, timeout: .seconds(1), deep: false)
    if let uinputPath { context.uinputPath = uinputPath }
    return try #require(await DoctorChecks.run(context, only: [check]).first)
}
