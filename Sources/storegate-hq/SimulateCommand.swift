import ArgumentParser
import Foundation
import StoregateContract
import StoregateHQ
import StoregateMQTTClient

/// `storegate-hq simulate`: many gateways' valid chained event streams published to a broker, so that ingest is
/// exercised at fleet scale on one box. Optional imperfections: duplicates, reordering, gaps, one double
/// redemption, one broken chain.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Publish chained events of many simulated gateways (QoS 1) to exercise ingest at fleet scale.")
    @Option(help: "Broker, \(BrokerAddress.expectedForm).") var broker = "mqtt://127.0.0.1:1883"
    @Option(help: "Simulated gateways (one per store).") var gateways = 1_000
    @Option(name: .customLong("events"), help: "Events per gateway.") var eventsPerGateway = 100
    @Option(help: "Events per second over all gateways (0: as fast as the broker acknowledges).") var rate: Double = 0
    @Option(help: "Share of events published twice (0–1).") var duplicates: Double = 0
    @Option(help: "Share of events held back and published later (0–1): out of order.") var reorder: Double = 0
    @Flag(help: "Also: one gateway skips 5 events (a gap only a requeue can fill), one code redeemed at two stores, one broken chain.")
    var anomalies = false
    @Option(help: "Store ids are PREFIX0001, PREFIX0002, ….") var storePrefix = "SIM"
    @Option(help: "Seed of the pseudo-random choices.") var seed: UInt64 = 1

    func validate() throws {
        guard BrokerAddress(url: self.broker) != nil else { throw ValidationError("--broker \(self.broker) is not \(BrokerAddress.expectedForm)") }
        guard self.gateways >= 1, self.eventsPerGateway >= 1 else { throw ValidationError("--gateways and --events must be at least 1") }
        guard (0...1).contains(self.duplicates), (0...1).contains(self.reorder) else { throw ValidationError("--duplicates and --reorder are shares between 0 and 1") }
        guard self.rate >= 0 else { throw ValidationError("--rate must be 0 or more") }
    }

    func run() async throws {
        let address = BrokerAddress(url: self.broker)!
        let client = try MQTTClient(options: MQTTConnectionOptions(
            broker: address, clientID: "storegate-hq-simulate-\(UUID().uuidString.prefix(8))", sessionExpirySeconds: 0))
        try client.limitInflight(to: 1_000)
        client.start()
        var events = client.events.makeAsyncIterator()
        while let event = await events.next() {
            if case .connected = event { break }
            if case .connectFailed(let reason) = event { FileHandle.standardError.write(Data("simulate: \(reason)\n".utf8)) }
        }
        var random = SplitMix(seed: self.seed)
        var simulated = (1...self.gateways).map { SimulatedGateway(storeID: String(format: "\(self.storePrefix)%05d", $0), gatewayID: "g1") }
        let start = Date()
        let startMs = Int64(start.timeIntervalSince1970 * 1000)
        var held: [(String, [UInt8])] = []
        var inFlight = Set<Int32>()
        var published = 0
        let total = self.gateways * self.eventsPerGateway
        func send(_ topic: String, _ payload: [UInt8]) async throws {
            inFlight.insert(try client.publish(topic: topic, payload: payload))
            published += 1
            if inFlight.count >= 2_000 {
                while inFlight.count > 1_000, let event = await events.next() {
                    if case .acknowledged(let id, _) = event { inFlight.remove(id) }
                }
            }
            if self.rate > 0 {
                let due = start.addingTimeInterval(Double(published) / self.rate)
                let wait = due.timeIntervalSinceNow
                if wait > 0.001 { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) }
            }
        }
        for round in 0..<self.eventsPerGateway {
            for index in simulated.indices {
                let anomalyRound = self.anomalies && round == self.eventsPerGateway / 2
                var op = ["receive", "sell", "redeem", "verify"][round % 4]
                var code = SimulatedGateway.unitCode(serial: "\(simulated[index].storeID)-\(round)")
                if anomalyRound && index <= 1 {
                    // The same cap redeemed at the first two stores.
                    op = "redeem"
                    code = SimulatedGateway.unitCode(serial: "DOUBLE-CAP")
                }
                let brokenLink = anomalyRound && index == 2 ? [UInt8](repeating: 0xEE, count: 32) : nil
                let timeMs = self.rate > 0 ? Int64(Date().timeIntervalSince1970 * 1000) : startMs + Int64(round) * 1_000
                let event = simulated[index].next(op: op, code: code, campaign: round % 2 == 0 ? "sim-campaign" : nil, timeMs: timeMs,
                                                  prevHashOverride: brokenLink)
                let topic = TopicScheme(storeID: simulated[index].storeID, gatewayID: "g1").events
                // The gap: five events of the fourth gateway never published.
                if self.anomalies && index == 3 && (10..<15).contains(round) { continue }
                if random.nextShare() < self.reorder {
                    held.append((topic, event.payload))
                } else {
                    try await send(topic, event.payload)
                }
                if random.nextShare() < self.duplicates { held.append((topic, event.payload)) }
            }
            if held.count > 500 || round == self.eventsPerGateway - 1 {
                for (topic, payload) in held { try await send(topic, payload) }
                held.removeAll()
            }
        }
        while !inFlight.isEmpty, let event = await events.next() {
            if case .acknowledged(let id, _) = event { inFlight.remove(id) }
        }
        let seconds = Date().timeIntervalSince(start)
        print("published \(published) messages (\(total) events, \(published - total) extra) for \(self.gateways) gateways in "
              + String(format: "%.2f s: %.0f msg/s", seconds, Double(published) / seconds))
        await client.shutdown()
    }
}

/// A small seeded generator: the same choices for the same seed.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { self.state = seed }
    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func nextShare() -> Double { Double(self.next() >> 11) / Double(1 << 53) }
}
