import Foundation
import StoregateDoctor
import StoregateTesting
import Testing

/// The doctor's certificates check on certificates made by openssl: expired is a failure, expiring within 30 days a
/// warning, both naming the config key and the file.
@Suite struct DoctorCertificatesCheckTests {
    static func finding(_ toml: String) async throws -> DoctorFinding {
        try await doctorFinding("certificates", config: toml)
    }

    static func mqtt(_ pki: TestPKI, client: String) -> String {
        "[mqtt]\nurl = \"mqtts://127.0.0.1:8883\"\nca_file = \"\(pki.file("ca.pem"))\"\n"
            + "cert_file = \"\(pki.file("\(client).pem"))\"\nkey_file = \"\(pki.file("\(client).key"))\"\n"
    }

    @Test func expiredFailsExpiringSoonWarnsAndAYearAheadIsFine() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        try pki.issue("expired", commonName: "gateway-S1", server: false, validity: .between(start: "20200101000000Z", end: "20200201000000Z"))
        try pki.issue("soon", commonName: "gateway-S1", server: false, validity: .days(10))
        try pki.issue("api", commonName: "store-gateway", server: true, validity: .days(400))

        let expired = try await Self.finding(Self.mqtt(pki, client: "expired"))
        #expect(expired.status == .fail, "\(expired)")
        #expect(expired.summary.contains("mqtt.cert_file \(pki.file("expired.pem")) expired on 2020-02-01"))

        let soon = try await Self.finding(Self.mqtt(pki, client: "soon"))
        #expect(soon.status == .warn, "\(soon)")
        #expect(soon.summary.contains("mqtt.cert_file \(pki.file("soon.pem")) expires in"))
        // The test CA itself is valid for 2 days: also named.
        #expect(soon.summary.contains("mqtt.ca_file"))

        let api = try await Self.finding("[api]\nlisten = \"127.0.0.1:8790\"\ntls_cert_file = \"\(pki.file("api.pem"))\"\n"
                                         + "tls_key_file = \"\(pki.file("api.key"))\"\n")
        #expect(api.status == .ok, "\(api)")
        #expect(api.details.contains { $0.hasPrefix("api.tls_cert_file \(pki.file("api.pem")): valid until") })

        let none = try await Self.finding("")
        #expect(none.status == .ok)
    }
}
