import Foundation
import StoregateContract
import StoregateMQTTClient
import StoregateTesting
import Synchronization

/// An independent subscriber counting event arrivals by seq (persistent session across broker restarts).
final class EventCounter: Sendable {
    private struct State {
        var counts: [Int64: Int] = [:]
        var arrivals = 0
        /// Each seq at its first arrival, in arrival order.
        var firstArrivals: [Int64] = []
    }

    let client: MQTTClient
    private let state = Mutex(State())
    private let subscribed = Atomic<Bool>(false)
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(port: Int) throws {
        self.client = try MQTTClient(options: MQTTConnectionOptions(host: "127.0.0.1", port: port, clientID: "test-counter-\(UUID().uuidString.prefix(6))",
                                                                    backoff: ReconnectBackoff(initialMilliseconds: 50, maximumMilliseconds: 500)))
        let client = self.client
        client.start()
        let task = Task { [self] in
            for await event in client.events {
                switch event {
                case .connected: _ = try? client.subscribe(TopicScheme.fleetFilter(.events))
                case .subscribed: self.subscribed.store(true, ordering: .sequentiallyConsistent)
                case .message(_, let payload, _):
                    guard let seq = Self.seq(of: payload) else { continue }
                    self.state.withLock { state in
                        state.arrivals += 1
                        state.counts[seq, default: 0] += 1
                        if state.counts[seq] == 1 { state.firstArrivals.append(seq) }
                    }
                default: break
                }
            }
        }
        self.task.withLock { $0 = task }
    }

    var unique: Int { self.state.withLock { $0.counts.count } }
    var arrivals: Int { self.state.withLock { $0.arrivals } }
    var firstArrivalsInOrder: Bool { self.firstArrivalsInOrder(upTo: .max) }

    /// Whether the events up to `seq` first arrived in sequence order (the uplink sends a live event ahead of a
    /// long backlog, so events written after a backlog may overtake it).
    func firstArrivalsInOrder(upTo seq: Int64) -> Bool {
        let arrivals = self.state.withLock { $0.firstArrivals }.filter { $0 <= seq }
        return zip(arrivals, arrivals.dropFirst()).allSatisfy { $0 < $1 }
    }

    func waitUntilSubscribed() async throws {
        try await waitUntil("subscription", seconds: 30) { self.subscribed.load(ordering: .sequentiallyConsistent) }
    }

    func stop() async {
        await self.client.shutdown()
        self.task.withLock { $0 }?.cancel()
    }

    static func seq(of payload: [UInt8]) -> Int64? {
        let head = String(decoding: payload.prefix(40), as: UTF8.self)
        guard let range = head.range(of: "\"seq\":") else { return nil }
        return Int64(head[range.upperBound...].prefix(while: { $0.isNumber }))
    }
}
