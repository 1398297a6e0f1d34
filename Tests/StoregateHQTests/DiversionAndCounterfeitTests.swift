import Foundation
import StoregateContract
import StoregateCore
import StoregateFoundation
import StoregateHQ
import StoregateTesting
import Testing

/// What only HQ sees across stores: goods of one region turning up in another (窜货), and a store's counterfeit
/// signals (bad signatures, unknown codes) above its own baseline. Events go through the real ingest.
@Suite struct DiversionAndCounterfeitTests {
    static let gtin = "09506000134352"

    @Test func codesOfOneRegionScannedInAnotherAreADiversionAlertNamingBothDistributors() async throws {
        let harness = try HQHarness()
        let hq = try await harness.start(harness.configuration())
        #expect(try await hq.application.database.waitForSchema())
        _ = try harness.value("""
            INSERT INTO stores (store_id, name, region, distributor) VALUES
                ('S-bj', 'Beijing', 'CN-11', 'D-north'), ('S-bj2', 'Beijing 2', 'CN-11', 'D-north2'), ('S-gz', 'Guangzhou', 'CN-44', 'D-south')
            """)
        let issued = try await CodeBatchIssuer(database: hq.application.database, configuration: harness.configuration())
            .issue(.init(gtin: Self.gtin, count: 4, campaign: nil, region: "CN-11", product: "tea", rewardMinor: 0))
        let now = Timestamp.now.milliseconds
        var south = SimulatedGateway(storeID: "S-gz", gatewayID: "G1")
        var north = SimulatedGateway(storeID: "S-bj", gatewayID: "G1")
        let publisher = try await GatewayPublisher(broker: harness.broker)
        try await publisher.publish(
            (0..<3).map { ("S-gz", "G1", south.next(op: "sell", code: issued.codes[$0], result: "wrong_region", timeMs: now - 1_000).payload) }
                + [("S-bj", "G1", north.next(op: "sell", code: issued.codes[3], timeMs: now - 1_000).payload)])
        try await harness.waitForWatermark(store: "S-gz", gateway: "G1", 3)
        try await harness.waitForWatermark(store: "S-bj", gateway: "G1", 1)

        try await waitUntil("the diversion alert", seconds: 30) {
            (try? harness.int("SELECT count(*) FROM alerts WHERE kind = 'diversion'")) == 1
        }
        #expect(try harness.value("""
            SELECT store_id || ' ' || (details->>'origin_region') || ' ' || (details->>'origin_distributors') || ' '
                   || (details->>'distributor') || ' ' || (details->>'count_at_first_alert') FROM alerts WHERE kind = 'diversion'
            """) == "S-gz CN-11 D-north,D-north2 D-south 3")
        await publisher.stop()
        try await hq.stop()
    }

    @Test func counterfeitSignalsAboveAStoresBaselineAreAlertedAndAtItsUsualLevelAreNot() async throws {
        let harness = try HQHarness()
        var configuration = harness.configuration()
        configuration.counterfeitPerHourAlert = 5
        let hq = try await harness.start(configuration)
        #expect(try await hq.application.database.waitForSchema())
        // The check counts the current hour: not begun in its last seconds.
        let untilNextHour = 3_600_000 - Timestamp.now.milliseconds % 3_600_000
        if untilNextHour < 20_000 { try await Task.sleep(for: .milliseconds(untilNextHour + 100)) }
        let now = Timestamp.now.milliseconds
        let hourStart = now - now % 3_600_000
        // S-usual sees about ten unknown codes an hour all last week (a shop near a market of fakes): six now is usual.
        _ = try harness.value("""
            INSERT INTO rollup_rejections (hour, store_id, gtin, campaign, result, count)
            SELECT to_timestamp((\(hourStart) - h * 3600000) / 1000), 'S-usual', '', '', 'unknown_code', 10 FROM generate_series(1, 168) AS h
            """)
        let publisher = try await GatewayPublisher(broker: harness.broker)
        var messages: [(store: String, gateway: String, payload: [UInt8])] = []
        for (store, count) in [("S-spike", 6), ("S-usual", 6), ("S-quiet", 5)] {
            var gateway = SimulatedGateway(storeID: store, gatewayID: "G1")
            for index in 0..<count {
                let result = index % 2 == 0 ? "unknown_code" : "bad_signature"
                messages.append((store, "G1", gateway.next(op: "verify", code: "01/\(Self.gtin)/21/FAKE\(store)\(index)", result: result,
                                                           timeMs: now).payload))
            }
        }
        try await publisher.publish(messages)
        for store in ["S-spike", "S-usual", "S-quiet"] {
            try await harness.waitForWatermark(store: store, gateway: "G1", store == "S-quiet" ? 5 : 6)
        }
        try await waitUntil("the counterfeit alert", seconds: 30) {
            (try? harness.int("SELECT count(*) FROM alerts WHERE kind = 'counterfeit_spike'")) == 1
        }
        // Two more passes of the check: nothing else is raised.
        try await Task.sleep(for: .milliseconds(1_200))
        #expect(try harness.value("SELECT string_agg(store_id || ' ' || (details->>'count'), ',') FROM alerts WHERE kind = 'counterfeit_spike'")
                == "S-spike 6")
        await publisher.stop()
        try await hq.stop()
    }
}
