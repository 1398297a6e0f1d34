import Foundation
import StoregateDoctor
import StoregateTesting
import Testing

/// The doctor's config check on a real config file.
@Suite struct DoctorConfigCheckTests {
    static func configFinding(_ toml: String) async throws -> DoctorFinding {
        try await doctorFinding("config", config: toml)
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
