import Foundation
import StoregateContract
import StoregateHQ
import StoregateTesting
import Testing

/// Which of a gateway's statuses HQ keeps: by connection, then offline after online, then time. A Last Will is
/// built when its connection opens, so its `time_ms` is older than the online statuses before it; it must still win
/// over them, and lose to the next connection's. Statuses of gateways that send no connection stamp keep the old
/// rule (by time).
@Suite struct GatewayStatusOrderTests {
    @Test func aLastWillFollowsItsConnectionsStatusesAndPrecedesTheNextConnections() async throws {
        let harness = try HQHarness()
        let hq = try await harness.start(harness.configuration())
        let publisher = try await GatewayPublisher(broker: harness.broker)
        let topic = TopicScheme(storeID: "S-order", gatewayID: "g1").status
        func send(_ state: String, time: Int64, connection: Int64?) async throws {
            let status = GatewayStatus(state: state, gatewayId: "g1", storeId: "S-order", version: "test", timeMs: time, broker: "-",
                                       backlog: 0, oldestUndeliveredSeq: nil, oldestUndeliveredAgeMs: nil, shed: 0, lastDownlinkSyncMs: nil,
                                       uplinkRefusal: nil, lastError: nil, scanners: [], counters: nil, connectionMs: connection)
            try await publisher.publish(topic: topic, payload: try HQJSON.encode(status), retain: true)
        }
        func kept() throws -> String {
            try harness.value("SELECT status_state || ' ' || last_status_ms FROM gateways WHERE store_id = 'S-order'")
        }
        func expectKept(_ expected: String, _ why: Comment) async throws {
            try await waitUntil("\(expected)", seconds: 10) { (try? kept()) == expected }
            // Nothing later replaces it.
            try await Task.sleep(for: .milliseconds(300))
            #expect(try kept() == expected, why)
        }

        try await send("online", time: 2_500, connection: 2_000)
        try await expectKept("online 2500", "the first status")
        try await send("offline", time: 2_000, connection: 2_000)
        try await expectKept("offline 2000", "the connection's Last Will follows its online statuses")
        try await send("online", time: 3_100, connection: 3_000)
        try await expectKept("online 3100", "the next connection follows the Last Will")
        try await send("offline", time: 2_000, connection: 2_000)
        try await send("online", time: 2_900, connection: 2_000)
        try await expectKept("online 3100", "statuses of an earlier connection arriving late change nothing")
        try await send("online", time: 3_200, connection: nil)
        try await expectKept("online 3200", "a status without a stamp counts its time as its connection")
        try await send("offline", time: 3_150, connection: nil)
        try await expectKept("online 3200", "without a stamp, an older time is older")
        await publisher.stop()
        try await hq.stop()
    }
}
