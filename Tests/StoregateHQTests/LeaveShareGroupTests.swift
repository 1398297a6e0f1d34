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
}
