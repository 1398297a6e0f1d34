import Foundation
import StoregateDoctor
import StoregateTesting
import Testing

/// The doctor's config check on a real config file.
@Suite struct DoctorConfigCheckTests {
    static func configFinding(_ toml: String) async throws -> DoctorFinding {
        let directory = try TemporaryDirectory(prefix: "storegate-doctor")
        defer { directory.remove() }
        let path = directory.file("storegate.toml")
        try toml.write(toFile: path, atomically: true, encoding: .utf8)
        let context = DoctorContext(configPath: path, overrides: { _ in }, timeout: .seconds(1), deep: false)
        return try #require(await DoctorChecks.run(context, only: ["config"]).first)
    }

    @Test func anAPIWithoutAuthenticationIsAWarning() async throws {
        let open = try await Self.configFinding("[api]\nlisten = \"127.0.0.1:8790\"\nauth = \"none\"\n")
        #expect(open.status == .warn, "\(open)")
        #expect(open.summary.contains("api.auth = \"none\""))
        #expect(open.fix?.contains("storegate api token add") == true)

        let tokens = try await Self.configFinding("[api]\nlisten = \"127.0.0.1:8790\"\n")
        #expect(tokens.status == .ok, "\(tokens)")
    }
}
