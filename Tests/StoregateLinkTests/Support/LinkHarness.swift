import Foundation
import Logging
import StoregateContract
import StoregateCore
import StoregateLedger
import StoregateLink
import StoregateMQTTClient
import StoregateTesting

/// An HQ link running in the test process against a real broker, on a temporary ledger.
final class LinkHarness: Sendable {
    let fixture: LedgerFixture
    let link: HQLink
    let client: MQTTClient
    let counters = GatewayCounters()
    let topics: TopicScheme
    private let task: Task<Void, any Error>

    init(fixture: LedgerFixture, port: Int, configure: (inout HQLinkConfiguration) -> Void = { _ in },
         downlink: Bool = false, tls: MQTTTLSOptions? = nil, disk: DiskGuard? = nil) throws {
        self.fixture = fixture
        let gatewayID = try fixture.ledger.gatewayID()
        self.topics = TopicScheme(storeID: "S1", gatewayID: gatewayID)
        self.client = try MQTTClient(options: MQTTConnectionOptions(
            host: "127.0.0.1", port: port, clientID: "storegate-\(gatewayID)", tls: tls,
            backoff: ReconnectBackoff(initialMilliseconds: 50, maximumMilliseconds: 400)))
        var configuration = HQLinkConfiguration(topics: self.topics, brokerDescription: "mqtt://127.0.0.1:\(port)", version: "test")
        configuration.statusFile = fixture.directory.file("status.json")
        configure(&configuration)
        var logger = Logger(label: "test-link")
        logger.logLevel = .warning
        let processor = downlink
            ? DownlinkProcessor(ledger: fixture.ledger, storeID: "S1", logger: logger, scratchDirectory: fixture.directory.path, disk: disk)
            : nil
        self.link = HQLink(ledger: fixture.ledger, client: self.client, configuration: configuration, counters: self.counters,
                           logger: logger, downlink: processor, disk: disk)
        let link = self.link
        self.task = Task { try await link.run() }
    }

    /// Cancels the link (it flushes its marks and disconnects) and waits for it.
    func stop() async {
        self.task.cancel()
        _ = try? await self.task.value
    }

    var undelivered: Int { (try? self.fixture.ledger.outboxSummary().undelivered) ?? -1 }
}

extension LedgerFixture {
    /// Applies `count` operations (alternating redeem of fresh registered codes and verify of unknown ones), as
    /// a store would produce them; returns their seqs.
    @discardableResult
    func produce(_ count: Int, from start: Int = 0, link: HQLink? = nil) throws -> [Int64] {
        var seqs: [Int64] = []
        for index in start..<(start + count) {
            let operation: StoregateCore.Operation = index % 2 == 0 ? .redeem : .verify
            let outcome = try self.apply(operation, .unit(serial: "S\(index)"), context: .test(time: .testNow.adding(minutes: Int64(index))))
            seqs.append(outcome.seq)
            link?.outboxChanged()
        }
        return seqs
    }
}
