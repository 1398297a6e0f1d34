import Foundation
import StoregateContract
import StoregateCore
import StoregateLedger
import StoregateTesting
import Testing

/// The real `storegate run` with its POS API: a scanner's scans (a replay) are on the event stream, and a
/// redemption the POS makes over the API reaches HQ through the broker like a scanner's.
@Suite(.serialized)
struct POSAPIGatewayTests {
    @Test func replayedScansAreOnTheEventStreamAndAnAPIRedemptionReachesHQ() async throws {
        let broker = try Broker()
        defer { broker.stop() }
        let work = try TemporaryDirectory(prefix: "storegate-api")
        defer { work.remove() }
        let fixture = try LedgerFixture(in: work)
        let scanned = (1...3).map { "01/09506000134352/21/D\($0)" }
        let prize = "01/09506000134352/21/PRIZE1"
        try fixture.register(ids: scanned + [prize])
        let token = try fixture.ledger.addAPIToken(till: "pos-1", operatorName: "mei", scopes: [.redeem, .read], at: .testNow).text
        try fixture.ledger.close()
        let replay = work.file("scans.txt")
        try scanned.joined(separator: "\n").write(toFile: replay, atomically: true, encoding: .utf8)

        let hq = try EventCounter(port: broker.port)
        try await hq.waitUntilSubscribed()
        let apiPort = try Broker.freePort()
        let log = work.file("gateway.log")
        let gateway = try ChildProcess(
            executable: try StoregateBinary.path(),
            arguments: ["run", "--db", fixture.path, "--broker", broker.url, "--source", "replay:\(replay)", "--role", "checkout",
                        "--lane", "1", "--api", "127.0.0.1:\(apiPort)"],
            stdoutFile: work.file("answers.txt"), stderrFile: log)
        defer { gateway.killNow() }
        let gatewayLog = { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        try await waitUntil("the API listening", seconds: 30) { Broker.canConnect(port: apiPort) || !gateway.isRunning }
        #expect(gateway.isRunning, "\(gatewayLog())")

        // From the start of the journal: the replay may be over before the client connects.
        let stream = try EventStreamClient(port: apiPort, lastEventID: 0, token: token)
        defer { stream.close() }
        try await waitUntil("the scanner's three decisions", seconds: 30) { stream.decisions.count >= 3 }
        let scans = stream.decisions.compactMap(Self.object)
        #expect(scans.map { $0["id"] as? String } == scanned)
        #expect(scans.map { $0["operation"] as? String } == ["sell", "sell", "sell"])
        #expect(scans.map { $0["lane"] as? String } == ["1", "1", "1"])

        let reply = try await HTTPTestClient.post(port: apiPort, "/v1/redeem", json: #"{"scan":"\#(prize)"}"#,
                                                  headers: ["Authorization": "Bearer \(token)"])
        #expect(reply.status == 200, "\(reply.text)")
        #expect(reply.json["result"] as? String == "accepted")
        let seq = reply.json["seq"] as? Int
        #expect(seq == 4)

        try await waitUntil("the redemption live on the stream", seconds: 10) { stream.decisions.count >= 4 }
        let live = stream.decisions.last.flatMap(Self.object)
        #expect(live?["origin"] as? String == "api")
        #expect(live?["seq"] as? Int == 4)
        #expect(live?["role"] as? String == "checkout")

        // HQ's side: every event, the API's redemption included, arrives through the broker.
        try await waitUntil("four events at HQ", seconds: 30) { hq.unique >= 4 }
        #expect(hq.unique == 4)
        await hq.stop()

        gateway.signal(SIGTERM)
        #expect(gateway.wait(seconds: 30) == 0, "\(gatewayLog())")
        #expect(stream.frames.last?.event == "closed", "the stream ends with the shutdown")
    }

    /// A broker that refuses the downlink subscription: the real gateway's /metrics says so (and its status).
    @Test func aRefusedDownlinkSubscriptionIsAGaugeInTheMetrics() async throws {
        let work = try TemporaryDirectory(prefix: "storegate-api")
        defer { work.remove() }
        let broker = try Broker.refusingSubscriptions(except: "\(TopicScheme.root)/S1/#", in: work)
        defer { broker.stop() }
        let fixture = try LedgerFixture(in: work)
        let token = try fixture.ledger.addAPIToken(till: "ops", operatorName: nil, scopes: [.read], at: .testNow).text
        try fixture.ledger.close()
        let apiPort = try Broker.freePort()
        let log = work.file("gateway.log")
        let gateway = try ChildProcess(
            executable: try StoregateBinary.path(),
            arguments: ["run", "--db", fixture.path, "--broker", broker.url, "--api", "127.0.0.1:\(apiPort)"], stderrFile: log)
        defer { gateway.killNow() }
        let gatewayLog = { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        try await waitUntil("the API listening", seconds: 30) { Broker.canConnect(port: apiPort) || !gateway.isRunning }
        var gauges: [String: Double] = [:]
        for _ in 0..<100 where gauges["storegate_downlink_refused"] != 1 {
            let scrape = try await HTTPTestClient.request(port: apiPort, "GET", "/metrics", headers: ["Authorization": "Bearer \(token)"])
            for line in scrape.text.split(separator: "\n") where !line.hasPrefix("#") {
                let parts = line.split(separator: " ")
                if parts.count == 2 { gauges[String(parts[0])] = Double(parts[1]) }
            }
            if gauges["storegate_downlink_refused"] != 1 { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(gauges["storegate_downlink_refused"] == 1, "\(gatewayLog())")
        #expect(gauges["storegate_uplink_refused"] == 0)
        #expect(gauges["storegate_link_connected"] == 1)
        gateway.signal(SIGTERM)
        #expect(gateway.wait(seconds: 30) == 0, "\(gatewayLog())")
    }

    static func object(_ frame: EventStreamClient.Frame) -> [String: Any]? {
        frame.data.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }
}
