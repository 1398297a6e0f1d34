import Foundation
import StoregateContract
import StoregateCore
import StoregateFoundation
import StoregateHQ
import StoregateTesting
import Testing

/// What HQ makes of gateways' retained statuses: which one it keeps (by connection, then offline after online,
/// then time: a Last Will is built when its connection opens, so its `time_ms` is older than the online statuses
/// before it, yet it must win over them and lose to the next connection's; statuses without a connection stamp keep
/// the old rule, by time), and the alerts of gateways that fall behind or go silent.
@Suite struct GatewayHealthTests {
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

    /// A gateway whose backlog's oldest event waits too long is `gateway_behind`; one not heard from for
    /// `stale_gateway_seconds` is `gateway_offline` even though its last status said online, and resolved once heard
    /// from again. Heard from on HQ's clock: a gateway whose clock is an hour behind but that keeps sending
    /// heartbeats is not silent.
    @Test func aGatewayFallingBehindOrGoneSilentIsAlerted() async throws {
        let harness = try HQHarness()
        var configuration = harness.configuration()
        configuration.backlogAgeAlertMilliseconds = 60_000
        configuration.staleGatewayMilliseconds = 6_000
        let hq = try await harness.start(configuration)
        let publisher = try await GatewayPublisher(broker: harness.broker)
        let clockBehind: Int64 = 3_600_000
        func clock(_ store: String) -> Int64 { Timestamp.now.milliseconds - (store == "S-clock" ? clockBehind : 0) }
        func send(store: String, oldestUndeliveredAgeMs: Int64?) async throws {
            let time = clock(store)
            let status = GatewayStatus(state: "online", gatewayId: "g1", storeId: store, version: "test", timeMs: time, broker: "-",
                                       backlog: oldestUndeliveredAgeMs == nil ? 0 : 10, oldestUndeliveredSeq: oldestUndeliveredAgeMs == nil ? nil : 1,
                                       oldestUndeliveredAgeMs: oldestUndeliveredAgeMs, shed: 0, lastDownlinkSyncMs: nil, uplinkRefusal: nil,
                                       lastError: nil, scanners: [], counters: nil, connectionMs: time)
            try await publisher.publish(topic: TopicScheme(storeID: store, gatewayID: "g1").status, payload: try HQJSON.encode(status),
                                        retain: true)
        }
        /// Heartbeats from the gateways that are alive, every half second, until `done`.
        func keepAlive(_ stores: [String], until description: String, _ done: () throws -> Bool) async throws {
            for _ in 0..<60 {
                for store in stores {
                    let heartbeat = GatewayHeartbeat(gatewayId: "g1", storeId: store, timeMs: clock(store), connectedSinceMs: nil, backlog: 0,
                                                     counters: [:])
                    try await publisher.publish(topic: TopicScheme(storeID: store, gatewayID: "g1").heartbeat, payload: try HQJSON.encode(heartbeat))
                }
                if (try? done()) == true { return }
                try await Task.sleep(for: .milliseconds(500))
            }
            Issue.record("timed out waiting for \(description)")
        }
        func open(_ kind: String) throws -> String {
            try harness.value("SELECT coalesce(string_agg(store_id, ',' ORDER BY store_id), '') FROM alerts WHERE kind = '\(kind)' AND resolved_ms IS NULL")
        }
        try await send(store: "S-behind", oldestUndeliveredAgeMs: 2 * 3_600_000)
        try await send(store: "S-silent", oldestUndeliveredAgeMs: nil)
        try await send(store: "S-clock", oldestUndeliveredAgeMs: 1_000)
        try await keepAlive(["S-behind", "S-clock"], until: "S-silent alerted") {
            try open("gateway_behind") == "S-behind" && open("gateway_offline") == "S-silent"
        }
        #expect(try harness.value("SELECT details->>'reason' FROM alerts WHERE kind = 'gateway_offline'") == "no status or heartbeat")

        // `storegate-hq status` counts them and exits 1 while alerts are open.
        let output = harness.directory.file("status.out")
        for (arguments, file) in [(["--json"], output + ".json"), ([], output)] {
            let process = try ChildProcess(executable: try StoregateBinary.path(named: "storegate-hq"),
                                           arguments: ["status", "--config", try harness.configurationFile(), "--sample", "0.1"] + arguments,
                                           stdoutFile: file, stderrFile: harness.directory.file("status.err"))
            #expect(process.wait(seconds: 60) == 1)
        }
        let report = try HQJSON.decode(HQStatusReport.self, from: Array(try Data(contentsOf: URL(fileURLWithPath: output + ".json"))))
        #expect(report.gateways == 3 && report.openAlerts["gateway_behind"] == 1 && report.openAlerts["gateway_offline"] ?? 0 >= 1, "\(report)")
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(text.contains("gateways 3") && text.contains("alerts open: gateway_behind 1, gateway_offline")
                && text.contains("lag: no event stored since yesterday"), "\(text)")

        try await send(store: "S-silent", oldestUndeliveredAgeMs: nil)
        try await keepAlive(["S-behind", "S-clock", "S-silent"], until: "the silent gateway resolved") { try open("gateway_offline") == "" }
        #expect(try open("gateway_behind") == "S-behind")
        #expect(try harness.int("SELECT count(*) FROM alerts WHERE kind = 'gateway_offline' AND store_id <> 'S-silent'") == 0,
                "a gateway whose clock is behind was taken for silent")
        await publisher.stop()
        try await hq.stop()
    }
}
