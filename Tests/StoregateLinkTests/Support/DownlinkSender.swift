import Foundation
import StoregateContract
import StoregateCore
import StoregateFoundation
import StoregateLedger
import StoregateMQTTClient
import StoregateTesting

/// HQ's side of the downlink in a test: signs messages and publishes each once (QoS 1) on the broker, and
/// records the gateways' reports.
final class DownlinkSender: Sendable {
    let signer: DownlinkSigner
    let port: Int
    let reports: TestSubscriber

    init(port: Int, signer: DownlinkSigner = DownlinkSigner.generate(keyID: "hq-dl-1")) throws {
        self.port = port
        self.signer = signer
        self.reports = try TestSubscriber(port: port, filter: TopicScheme.fleetFilter(.downlink))
    }

    /// A link with the downlink on over `fixture` (`codes` registered, this sender's key trusted), connected and
    /// subscribed: an event it published was acknowledged, and its SUBSCRIBE went out before that event.
    func gateway(_ fixture: LedgerFixture, broker: Broker, codes: [String], disk: DiskGuard? = nil) async throws -> LinkHarness {
        try fixture.register(ids: codes)
        try fixture.ledger.addDownlinkKey(keyID: self.signer.keyID, publicKey: self.signer.publicKeyText, at: .testNow)
        try await self.reports.waitUntilSubscribed()
        let harness = try LinkHarness(fixture: fixture, port: broker.port, downlink: true, disk: disk)
        try fixture.produce(1, link: harness.link)
        try await waitUntil("connected and subscribed") { harness.undelivered == 0 }
        return harness
    }

    /// A signed revocation of `code` for store S1, issued `issuedMs` (now by default).
    func revocation(seq: Int64, code: String, issuedMs: Int64 = Timestamp.now.milliseconds) throws -> [UInt8] {
        var body = DownlinkBody()
        body.revocations = [.init(code: code, reason: "stolen shipment")]
        return try self.signer.envelope(for: DownlinkMessage(kind: "revocations", target: "S1", seq: seq, issuedMs: issuedMs, body: body))
    }

    /// Publishes `envelope` on S1's `kind` topic and returns once the broker has it (PUBACK).
    func publish(_ envelope: [UInt8], kind: String = "revocations") async throws {
        let client = try MQTTClient(options: MQTTConnectionOptions(host: "127.0.0.1", port: self.port,
                                                                   clientID: "test-hq-pub-\(UUID().uuidString.prefix(8))"))
        client.start()
        for await event in client.events {
            if case .connected = event { _ = try client.publish(topic: TopicScheme.storeDownlink(storeID: "S1", kind: kind), payload: envelope) }
            if case .acknowledged = event { break }
        }
        await client.shutdown()
    }

    /// The reports received so far, decoded.
    var received: [DownlinkReport] {
        self.reports.messages.compactMap { try? HQJSON.decode(DownlinkReport.self, from: $0.payload) }
    }

    func stop() async { await self.reports.stop() }
}
