import Foundation
import StoregateContract
import StoregateHQ
import StoregateMQTTClient
import StoregateTesting
import Synchronization
import Testing

/// The real storegate-hq binary, SIGKILLed again and again while a gateway's events arrive: whatever it had in
/// hand (acknowledged to the broker, not committed) comes back through the gap healing, and nothing is counted twice.
@Suite(.serialized) struct IngestCrashTests {
    /// Plays the gateway's side of the downlink: answers each signed requeue by sending the range again.
    final class RequeueResponder: Sendable {
        let client: MQTTClient
        let requeues = Mutex(0)

        init(broker: Broker, signer: DownlinkSigner, store: String, events: [SimulatedGateway.Event], gateway: String) async throws {
            self.client = try MQTTClient(options: MQTTConnectionOptions(host: "127.0.0.1", port: broker.port, clientID: "responder",
                                                                         sessionExpirySeconds: 0))
            let verifier = try DownlinkVerifier(keys: [signer.keyID: signer.publicKeyText])
            let topics = TopicScheme(storeID: store, gatewayID: gateway)
            let subscribed = Mutex(false)
            self.client.start()
            Task {
                for await event in self.client.events {
                    switch event {
                    case .connected:
                        _ = try? self.client.subscribe(topics.storeDownlinkFilter)
                    case .subscribed:
                        subscribed.withLock { $0 = true }
                    case .message(let topic, let payload, _):
                        guard let address = DownlinkAddress(topic: topic),
                              case .success(let (message, _)) = verifier.verify(payload, address: address),
                              message.body.command == "requeue", let from = message.body.fromSeq, let to = message.body.toSeq
                        else { continue }
                        self.requeues.withLock { $0 += 1 }
                        for event in events where (from...to).contains(event.seq) {
                            _ = try? self.client.publish(topic: topics.events, payload: event.payload)
                        }
                    default:
                        continue
                    }
                }
            }
            try await waitUntil("responder subscribed") { subscribed.withLock { $0 } }
        }
    }

    @Test func killedAgainAndAgainMidBatchEveryEventEndsUpStoredOnce() async throws {
        let harness = try HQHarness()
        let binary = try StoregateBinary.path(named: "storegate-hq")
        let config = try harness.configurationFile()
        let log = harness.directory.file("hq.log")
        func startHQ() throws -> ChildProcess {
            try ChildProcess(executable: binary, arguments: ["run", "--config", config], stderrFile: log)
        }
        var gateway = SimulatedGateway(storeID: "S001", gatewayID: "g1")
        let events = IngestExactlyOnceTests.morning(&gateway, count: 6_000)
        let responder = try await RequeueResponder(broker: harness.broker, signer: harness.signer, store: "S001",
                                                   events: events, gateway: "g1")
        let publisher = try await GatewayPublisher(broker: harness.broker)
        var hq = try startHQ()
        try await waitUntil("the schema", seconds: 30, interval: .milliseconds(100)) {
            (try? harness.int("SELECT count(*) FROM schema_migrations")) == HQMigrations.all.count
        }
        var generator = SeededGenerator(seed: 2026)
        var kills = 0
        for chunk in stride(from: 0, to: events.count, by: 300) {
            let slice = events[chunk..<min(chunk + 300, events.count)]
            let publishing = Task { try await publisher.publish(slice.map { ("S001", "g1", $0.payload) }) }
            // Kill it at a random moment while (or just after) the chunk arrives.
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...120, using: &generator)))
            if chunk % 600 == 0 {
                hq.signal(SIGKILL)
                hq.wait(seconds: 10)
                kills += 1
                hq = try startHQ()
            }
            try await publishing.value
        }
        try await harness.waitForWatermark(store: "S001", gateway: "g1", Int64(events.count), seconds: 120)
        #expect(kills == 10)
        #expect(try harness.int("SELECT count(*) FROM events") == events.count)
        #expect(try harness.int("SELECT count(*) FROM event_keys") == events.count)
        #expect(try harness.int("SELECT events FROM gateways") == events.count)
        #expect(try harness.int("SELECT count(*) FROM alerts WHERE kind <> 'gap_unfilled'") == 0)
        try IngestExactlyOnceTests.expectRollupsEqualRecount(harness)
        print("killed \(kills) times; requeues answered: \(responder.requeues.withLock { $0 }); duplicates dropped: \(try harness.int("SELECT duplicates FROM gateways"))")
        hq.signal(SIGTERM)
        #expect(hq.wait(seconds: 30) == 0)
        await publisher.stop()
    }
}
