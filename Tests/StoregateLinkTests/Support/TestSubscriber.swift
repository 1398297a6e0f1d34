import Foundation
import StoregateContract
import StoregateMQTTClient
import StoregateTesting
import Synchronization

/// An independent subscriber (its own MQTT connection, persistent session) that records what arrives, like HQ.
final class TestSubscriber: Sendable {
    struct Received: Sendable {
        var topic: String
        var payload: [UInt8]
    }

    let client: MQTTClient
    let filter: String
    private let received = Mutex<[Received]>([])
    private let subscribed = Atomic<Bool>(false)
    private let keepPayloads: Bool
    private let counted = Mutex<[Int64: Int]>([:])
    private let task = Mutex<Task<Void, Never>?>(nil)

    /// `keepPayloads` false keeps only per-seq arrival counts (for the 100k-event test).
    init(port: Int, filter: String = TopicScheme.fleetFilter(.events), clientID: String = "test-hq-\(UUID().uuidString.prefix(8))",
         keepPayloads: Bool = true) throws {
        self.client = try MQTTClient(options: MQTTConnectionOptions(host: "127.0.0.1", port: port, clientID: clientID,
                                                                    backoff: ReconnectBackoff(initialMilliseconds: 50, maximumMilliseconds: 500)))
        self.filter = filter
        self.keepPayloads = keepPayloads
        let client = self.client
        self.client.start()
        let task = Task { [self] in
            for await event in client.events {
                switch event {
                case .connected:
                    _ = try? client.subscribe(self.filter)
                case .subscribed:
                    self.subscribed.store(true, ordering: .sequentiallyConsistent)
                case .message(let topic, let payload, _):
                    if self.keepPayloads {
                        self.received.withLock { $0.append(Received(topic: topic, payload: payload)) }
                    } else if let seq = Self.seq(of: payload) {
                        self.counted.withLock { $0[seq, default: 0] += 1 }
                    }
                default:
                    break
                }
            }
        }
        self.task.withLock { $0 = task }
    }

    func waitUntilSubscribed(seconds: Double = 10) async throws {
        try await waitUntil("subscription to \(self.filter)", seconds: seconds) { self.subscribed.load(ordering: .sequentiallyConsistent) }
    }

    var messages: [Received] { self.received.withLock { $0 } }
    var arrivalCounts: [Int64: Int] { self.counted.withLock { $0 } }

    /// (seq, event_id) of each event message in arrival order.
    var events: [(seq: Int64, eventID: String)] {
        self.messages.compactMap { message in
            guard let object = try? JSONSerialization.jsonObject(with: Data(message.payload)) as? [String: Any],
                  let seq = (object["seq"] as? NSNumber)?.int64Value, let eventID = object["event_id"] as? String else { return nil }
            return (seq, eventID)
        }
    }

    static func seq(of payload: [UInt8]) -> Int64? {
        // `{"v":1,"seq":N,...}`: the canonical payload puts seq second; parse only that, cheaply.
        guard let range = String(decoding: payload.prefix(40), as: UTF8.self).range(of: "\"seq\":") else { return nil }
        let text = String(decoding: payload.prefix(40), as: UTF8.self)[range.upperBound...]
        return Int64(text.prefix(while: { $0.isNumber }))
    }

    func stop() async {
        await self.client.shutdown()
        self.task.withLock { $0 }?.cancel()
    }
}
