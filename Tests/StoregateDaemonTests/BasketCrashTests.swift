import Foundation
import StoregateCore
import StoregateLedger
import StoregateTesting
import Testing

/// The real `storegate run` SIGKILLed while the POS sends baskets over the API, again and again: every basket is
/// all or nothing, and every basket that was answered `accepted` is in the ledger afterwards.
@Suite(.serialized)
struct BasketCrashTests {
    static let unitsPerBasket = 3

    static func units(of receipt: Int) -> [String] {
        (0..<Self.unitsPerBasket).map { "01/09506000134352/21/K\(receipt)-\($0)" }
    }

    @Test func aGatewayKilledMidBasketLeavesEveryBasketWholeOrAbsent() async throws {
        let work = try TemporaryDirectory(prefix: "storegate-basket-crash")
        defer { work.remove() }
        let broker = try Broker()
        defer { broker.stop() }
        let baskets = 3_000
        let fixture = try LedgerFixture(in: work)
        try fixture.register(ids: (0..<baskets).flatMap(Self.units(of:)))
        let token = try fixture.ledger.addAPIToken(till: "T1", operatorName: nil, scopes: [.sell], at: .testNow).text
        try fixture.ledger.close()

        let answered = LockedBox<Set<Int>>([])
        var next = 0
        var generator = SeededGenerator(seed: 99)
        let log = work.file("gateway.log")
        for round in 0..<6 {
            let apiPort = try Broker.freePort()
            let gateway = try ChildProcess(
                executable: try StoregateBinary.path(),
                arguments: ["run", "--db", fixture.path, "--broker", broker.url, "--api", "127.0.0.1:\(apiPort)", "--log-level", "warning"],
                stdoutFile: log, stderrFile: log)
            try await waitUntil("round \(round): the API listening", seconds: 30) { Broker.canConnect(port: apiPort) || !gateway.isRunning }
            let first = next
            let sender = Task { @Sendable in
                var receipt = first
                while !Task.isCancelled && receipt < baskets {
                    let lines = Self.units(of: receipt).map { #"{"code":"\#($0)","unit_price":199}"# }
                        + [#"{"gtin":"4006381333931","quantity":2,"unit_price":50}"#]
                    let body = #"{"receipt":"K\#(receipt)","currency":"CNY","lane":"T1","lines":[\#(lines.joined(separator: ","))]}"#
                    guard let reply = try? await HTTPTestClient.post(port: apiPort, "/v1/sales", json: body,
                                                                     headers: ["Authorization": "Bearer \(token)"]) else { break }
                    if reply.status == 200, reply.json["accepted"] as? Bool == true { answered.update { _ = $0.insert(receipt) } }
                    receipt += 1
                }
                return receipt
            }
            // Pull the plug once this run has answered a few baskets, at a random moment after that.
            let before = answered.value.count
            try await waitUntil("round \(round): baskets answered", seconds: 30) { answered.value.count >= before + 3 || !gateway.isRunning }
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...400, using: &generator)))
            gateway.killNow()
            next = await sender.value + 1  // the basket in flight when the plug was pulled is never sent again
            #expect(gateway.exitCode == Int32(128 + SIGKILL), "round \(round): \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        }
        #expect(answered.value.count >= 18, "baskets were accepted between the kills")

        let ledger = try Ledger(path: fixture.path)
        #expect(try ledger.check().isOK)
        var recorded = Set<Int>()
        for event in try ledger.journal(limit: 100_000) where event.operation == .sale {
            let details = try #require(try JSONSerialization.jsonObject(with: Data(event.details.utf8)) as? [String: Any])
            let receipt = try #require((details["receipt"] as? String).flatMap { Int($0.dropFirst()) })
            #expect((details["lines"] as? [Any])?.count == Self.unitsPerBasket + 1)
            #expect(recorded.insert(receipt).inserted, "receipt K\(receipt) recorded once")
        }
        #expect(answered.value.isSubset(of: recorded), "every accepted basket survived the kills")
        for receipt in 0..<next {
            let states = try Self.units(of: receipt).map { try ledger.record(codeID: $0)?.state }
            let expected: CodeState = recorded.contains(receipt) ? .sold : .issued
            #expect(states.allSatisfy { $0 == expected }, "K\(receipt): \(states) — all or nothing")
        }
    }
}
