import Foundation
import StoregateMQTTClient
import StoregateTesting
import Testing

/// The client tells the broker the largest packet it takes (MQTT v5 Maximum Packet Size): a bigger message is
/// dropped by the broker, not sent, and the client stays connected and gets the next one.
@Suite
struct MaximumPacketSizeTests {
    @Test func aMessageOverTheLimitNeverReachesTheClient() async throws {
        let broker = try Broker()
        defer { broker.stop() }
        var options = MQTTConnectionOptions(host: "127.0.0.1", port: broker.port, clientID: "small-\(UUID().uuidString.prefix(6))",
                                            sessionExpirySeconds: 0)
        options.maximumPacketSize = 4_096
        let receiver = try MQTTClient(options: options)
        receiver.start()
        let received = LockedBox<[Int]>([])
        let disconnects = LockedBox(0)
        let subscribed = LockedBox(false)
        let listening = Task {
            for await event in receiver.events {
                switch event {
                case .connected: _ = try? receiver.subscribe("size-test/#")
                case .subscribed: subscribed.set(true)
                case .message(_, let payload, _): received.update { $0.append(payload.count) }
                case .disconnected: disconnects.update { $0 += 1 }
                default: continue
                }
            }
        }
        try await waitUntil("subscribed") { subscribed.value }

        let sender = try MQTTClient(options: MQTTConnectionOptions(host: "127.0.0.1", port: broker.port, clientID: "big-sender",
                                                                   sessionExpirySeconds: 0))
        sender.start()
        try await waitUntil("sender connected") { sender.isConnected }
        _ = try sender.publish(topic: "size-test/big", payload: [UInt8](repeating: 0x41, count: 10_000))
        _ = try sender.publish(topic: "size-test/small", payload: [UInt8](repeating: 0x42, count: 100))
        try await waitUntil("the small message") { received.value.contains(100) }
        #expect(received.value == [100], "the 10,000-byte message was not delivered")
        #expect(disconnects.value == 0)
        await sender.shutdown()
        await receiver.shutdown()
        listening.cancel()
    }
}
