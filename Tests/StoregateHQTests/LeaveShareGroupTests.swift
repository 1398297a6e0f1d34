import Foundation
import StoregateHQ
import StoregateTesting
import Testing

/// `storegate-hq leave`: a stopped instance's session stops taking a share of the fleet's events.
@Suite(.serialized) struct LeaveShareGroupTests {
    @Test func aStoppedInstanceThatLeftTakesNoMoreSharesAndWhatWaitedForItIsStored() async throws {
        let harness = try HQHarness()
        let binary = try StoregateBinary.path(named: "storegate-hq")
        // Instance a joins the share group and stops (as an instance being removed would); b goes on.
        let leaving = try await harness.start(harness.configuration(clientID: "hq-a"))
        try await leaving.stop()
        let staying = try await harness.start(harness.configuration(clientID: "hq-b"))
        let publisher = try await GatewayPublisher(broker: harness.broker)
        var gateways = (1...4).map { SimulatedGateway(storeID: "S\($0)", gatewayID: "g1") }
        func publishRound(_ count: Int) async throws {
            var messages: [(String, String, [UInt8])] = []
            for index in gateways.indices {
                let store = gateways[index].storeID
                for _ in 0..<count {
                    let event = gateways[index].next(op: "receive", code: SimulatedGateway.unitCode(serial: "\(store)-\(gateways[index].seq + 1)"),
                                                     timeMs: 1_780_000_000_000 + gateways[index].seq * 1_000)
                    messages.append((store, "g1", event.payload))
                }
            }
            try await publisher.publish(messages)
        }

        // The broker keeps a share of these for the stopped session: b alone cannot complete the gateways.
        try await publishRound(100)
        try await Task.sleep(for: .seconds(2))
        let storedByB = try harness.int("SELECT count(*) FROM events")
        #expect(storedByB > 0 && storedByB < 400, "the broker gave the stopped session no share (\(storedByB) of 400 stored)")

        let output = harness.directory.file("leave.out")
        let leave = try ChildProcess(executable: binary, arguments: ["leave", "--config", try harness.configurationFile(clientID: "hq-a"),
                                                                     "--quiet", "1"],
                                     stdoutFile: output, stderrFile: harness.directory.file("leave.log"))
        #expect(leave.wait(seconds: 60) == 0)
        let said = try String(contentsOfFile: output, encoding: .utf8)
        #expect(said.contains("hq-a left share group"), "\(said)")
        #expect(said.contains("\(400 - storedByB) events that waited for it stored"), "\(said)")
        for gateway in gateways { try await harness.waitForWatermark(store: gateway.storeID, gateway: "g1", 100, seconds: 10) }

        // Whatever comes now is b's alone, at once: no share waits for a session that is gone.
        try await publishRound(100)
        for gateway in gateways { try await harness.waitForWatermark(store: gateway.storeID, gateway: "g1", 200, seconds: 10) }
        #expect(try harness.int("SELECT count(*) FROM events") == 800)
        #expect(try harness.int("SELECT count(*) FROM requeues WHERE filled_ms IS NULL") == 0)
        await publisher.stop()
        try await staying.stop()
    }

    /// A broker whose ACL refuses the share group's subscriptions: `leave` says so and stops (it waited for ever).
    @Test func leaveStopsWithTheReasonWhenTheBrokerRefusesTheShareGroup() async throws {
        let brokerDirectory = try TemporaryDirectory(prefix: "storegate-refusing-broker")
        defer { brokerDirectory.remove() }
        let harness = try HQHarness(broker: try Broker.refusingSubscriptions(except: "nothing/#", in: brokerDirectory))
        let said = try Self.leaveFails(harness, arguments: ["--config", try harness.configurationFile(clientID: "hq-a")])
        #expect(said.contains("refused the subscriptions of share group storegate-hq for client hq-a (check its ACL)"), "\(said)")
    }

    /// No broker where the configuration says: `leave` gives up after `--broker-timeout` and says what it waited for.
    @Test func leaveStopsWithTheReasonWhenNoBrokerAnswers() async throws {
        let harness = try HQHarness()
        let configuration = try harness.configurationFile(clientID: "hq-a")
        let text = try String(contentsOfFile: configuration, encoding: .utf8)
        try text.replacingOccurrences(of: harness.broker.url, with: "mqtt://127.0.0.1:\(try Broker.freePort())")
            .write(toFile: configuration, atomically: true, encoding: .utf8)
        let said = try Self.leaveFails(harness, arguments: ["--config", configuration, "--broker-timeout", "2"])
        #expect(said.contains("did not take the connection of client hq-a and grant its subscriptions within 2.0 seconds (0 of 4 granted)"),
                "\(said)")
    }

    /// Runs the real `leave`, expects it to fail within a minute, and returns its standard error.
    private static func leaveFails(_ harness: HQHarness, arguments: [String]) throws -> String {
        let errors = harness.directory.file("leave-\(UUID().uuidString.prefix(6)).err")
        let leave = try ChildProcess(executable: try StoregateBinary.path(named: "storegate-hq"), arguments: ["leave"] + arguments + ["--quiet", "1"],
                                     stdoutFile: harness.directory.file("leave.out"), stderrFile: errors)
        defer { leave.killNow() }
        let exit = leave.wait(seconds: 60)
        #expect(exit != nil && exit != 0, "leave did not fail (exit \(String(describing: exit)))")
        return try String(contentsOfFile: errors, encoding: .utf8)
    }
}
