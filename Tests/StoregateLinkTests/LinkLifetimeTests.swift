import Foundation
import Logging
import StoregateContract
import StoregateLedger
import StoregateLink
import StoregateMQTTClient
import StoregateTesting
import Testing

/// The link's MQTT client is freed once the link has stopped: its uplink driver no longer keeps it alive, so
/// `mosquitto_destroy` runs.
@Suite(.serialized)
struct LinkLifetimeTests {
    @Test func theClientIsDeinitialisedOnceTheLinkHasStopped() async throws {
        let broker = try Broker()
        defer { broker.stop() }
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        weak var weakClient: MQTTClient?
        try await Self.runAndStopLink(fixture: fixture, port: broker.port) { weakClient = $0 }
        // The loop thread lets go of the client just after it signals that it ended.
        try await waitUntil("the MQTT client is deinitialised", seconds: 5) { weakClient == nil }
    }

    /// Runs a link until it has connected, then cancels it; nothing but `weakClient` outlives this call.
    private static func runAndStopLink(fixture: LedgerFixture, port: Int,
                                       expose: (MQTTClient) -> Void) async throws {
        let gatewayID = try fixture.ledger.gatewayID()
        let topics = TopicScheme(storeID: "S1", gatewayID: gatewayID)
        let client = try MQTTClient(options: MQTTConnectionOptions(host: "127.0.0.1", port: port, clientID: "lifetime-\(gatewayID)"))
        expose(client)
        let link = HQLink(ledger: fixture.ledger, client: client,
                          configuration: HQLinkConfiguration(topics: topics, brokerDescription: "test", version: "test"),
                          logger: Logger(label: "test-lifetime"))
        let task = Task { try await link.run() }
        try await waitUntil("connected") { client.isConnected }
        task.cancel()
        try await task.value
    }
}
