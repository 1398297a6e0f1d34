import Foundation
import StoregateMQTTClient
import StoregateTesting
import Testing
import StoregateLink

/// mqtts with server verification and a client certificate, all made by the test with the openssl CLI.
@Suite(.serialized)
struct TLSTests {
    static func openssl(_ arguments: [String], in directory: TemporaryDirectory) throws {
        let process = try ChildProcess(executable: "openssl", arguments: arguments, stderrFile: directory.file("openssl.log"))
        guard process.wait(seconds: 60) == 0 else {
            throw ChildProcess.SpawnError(message: "openssl \(arguments.prefix(2).joined(separator: " ")) failed: \((try? String(contentsOfFile: directory.file("openssl.log"), encoding: .utf8)) ?? "")")
        }
    }

    /// CA, a broker certificate for 127.0.0.1 and a client certificate, signed by the CA.
    static func makeCertificates(in pki: TemporaryDirectory) throws {
        func file(_ name: String) -> String { pki.file(name) }
        try openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=storegate test CA",
                     "-keyout", file("ca.key"), "-out", file("ca.pem")], in: pki)
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(toFile: file("san.ext"), atomically: true, encoding: .utf8)
        for (name, extra) in [("server", ["-extfile", file("san.ext")]), ("client", [String]())] {
            try openssl(["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=\(name == "server" ? "127.0.0.1" : "gateway-S1")",
                         "-keyout", file("\(name).key"), "-out", file("\(name).csr")], in: pki)
            try openssl(["x509", "-req", "-in", file("\(name).csr"), "-CA", file("ca.pem"), "-CAkey", file("ca.key"),
                         "-CAcreateserial", "-days", "2", "-out", file("\(name).pem")] + extra, in: pki)
        }
        // mosquitto reads its key as the `mosquitto` user.
        for name in ["ca.pem", "server.pem", "server.key"] {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file(name))
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: pki.path)
    }

    @Test func eventsFlowOverTLSWithAClientCertificateAndNotWithoutOne() async throws {
        let pki = try TemporaryDirectory(prefix: "storegate-pki")
        defer { pki.remove() }
        try Self.makeCertificates(in: pki)
        let broker = try Broker(extraConfig: """
            listener {PORT} 127.0.0.1
            cafile \(pki.file("ca.pem"))
            certfile \(pki.file("server.pem"))
            keyfile \(pki.file("server.key"))
            require_certificate true
            """, plainListener: false)
        defer { broker.stop() }
        let fixture = try LedgerFixture()
        defer { fixture.directory.remove() }
        try fixture.produce(10)

        // Without a client certificate the broker refuses the handshake: nothing is delivered.
        let refused = try LinkHarness(fixture: fixture, port: broker.port, tls: MQTTTLSOptions(caFile: pki.file("ca.pem")))
        try await Task.sleep(for: .milliseconds(800))
        await refused.stop()
        #expect(refused.undelivered == 10)
        #expect(refused.counters.value(.delivered) == 0)

        let harness = try LinkHarness(fixture: fixture, port: broker.port, tls: MQTTTLSOptions(
            caFile: pki.file("ca.pem"), certificateFile: pki.file("client.pem"), keyFile: pki.file("client.key")))
        try await waitUntil("delivered over TLS") { harness.undelivered == 0 }
        await harness.stop()
        #expect(harness.counters.value(.delivered) == 10)
    }
}
