import Foundation
import StoregateMQTTClient
import StoregateTesting
import Testing
import StoregateLink

/// mqtts with server verification and a client certificate, all made by the test with the openssl CLI.
@Suite(.serialized)
struct TLSTests {
    /// A broker with only a TLS listener, its certificate `server` of `pki`, that wants a client certificate of `pki`.
    static func broker(requiringClientCertificatesOf pki: TestPKI) throws -> Broker {
        try Broker(extraConfig: """
            listener {PORT} 127.0.0.1
            cafile \(pki.file("ca.pem"))
            certfile \(pki.file("server.pem"))
            keyfile \(pki.file("server.key"))
            require_certificate true
            """, plainListener: false)
    }

    @Test func eventsFlowOverTLSWithAClientCertificateAndNotWithoutOne() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        try pki.issue("server", commonName: "127.0.0.1", server: true)
        try pki.issue("client", commonName: "gateway-S1", server: false)
        let broker = try Self.broker(requiringClientCertificatesOf: pki)
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

    /// The first connection failure a client with these TLS files reports.
    static func firstFailure(port: Int, tls: MQTTTLSOptions) async throws -> String? {
        let client = try MQTTClient(options: MQTTConnectionOptions(host: "127.0.0.1", port: port, clientID: "tls-\(UUID().uuidString.prefix(6))",
                                                                   sessionExpirySeconds: 0, tls: tls))
        client.start()
        defer { client.stop() }
        for await event in client.events {
            switch event {
            case .connectFailed(let reason): return reason
            case .disconnected(let reason): return reason
            case .connected: return nil
            default: continue
            }
        }
        return nil
    }

    /// A wrong CA and an expired certificate fail with OpenSSL's reason, not only "A TLS error occurred".
    @Test func aWrongCAOrAnExpiredCertificateFailsWithItsReason() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        try pki.issue("server", commonName: "127.0.0.1", server: true)
        try pki.issue("client", commonName: "gateway-S1", server: false)
        try pki.issue("expired", commonName: "gateway-S1", server: false, validity: .between(start: "20200101000000Z", end: "20200201000000Z"))
        let otherCA = try TestPKI(name: "someone else's CA")
        defer { otherCA.remove() }
        let broker = try Self.broker(requiringClientCertificatesOf: pki)
        defer { broker.stop() }

        let wrongCA = try await Self.firstFailure(port: broker.port, tls: MQTTTLSOptions(
            caFile: otherCA.file("ca.pem"), certificateFile: pki.file("client.pem"), keyFile: pki.file("client.key")))
        #expect(wrongCA?.contains("certificate verify failed") == true, "\(wrongCA ?? "connected")")

        let expired = try await Self.firstFailure(port: broker.port, tls: MQTTTLSOptions(
            caFile: pki.file("ca.pem"), certificateFile: pki.file("expired.pem"), keyFile: pki.file("expired.key")))
        #expect(expired?.contains("certificate expired") == true, "\(expired ?? "connected")")
    }
}
