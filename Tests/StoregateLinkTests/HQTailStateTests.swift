import Foundation
import StoregateContract
import StoregateCore
import StoregateHQTools
import StoregateLedger
import StoregateTesting
import StoregateTrust
import StoregateFoundation
import Testing

/// `storegate hq tail`'s bookkeeping fed a real ledger's events: duplicates, gaps, baskets and summary checks.
@Suite
struct HQTailStateTests {
    /// A ledger with a basket, a return and the summary of both; returns the events' canonical payloads.
    static func journal() throws -> [[UInt8]] {
        let fixture = try LedgerFixture(gatewayID: "g1")
        defer { fixture.remove() }
        try fixture.register(ids: ["01/09506000134352/21/T1"])
        let context = DecisionContext.test()
        _ = try fixture.ledger.applySale(SaleBasket(receipt: "R1", currency: "EUR", lines: [
            SaleLine(kind: .unit, code: .unit(serial: "T1"), unitPrice: 500),
            SaleLine(kind: .plain, gtin: "04006381333931", quantity: 2, unitPrice: 100),
        ], context: context))
        _ = try fixture.ledger.applyReturn(SaleReturn(returnID: "X1", receipt: "R1", items: [.line(2, quantity: 1)], context: context))
        try Self.summarise(fixture)
        return try fixture.ledger.journal().map { Array($0.canonicalPayload.utf8) }
    }

    /// Writes the `sales_summary` of the events since the last one, counted as the gateway counts them.
    static func summarise(_ fixture: LedgerFixture) throws {
        try fixture.ledger.writeSalesSummary(periodEnd: .testNow, at: .testNow) { range in
            var tally = SalesTally()
            try range.forEachAcceptedPayload(of: SalesTally.countedOperations) { tally.add(try EventPayload.decode($0)) }
            return tally.summaryJSON(periodStartMs: range.periodStartMs, periodEndMs: range.periodEndMs, firstSeq: range.firstSeq,
                                     lastSeq: range.lastSeq)
        }
    }

    static let topic = TopicScheme(storeID: "S1", gatewayID: "g1").events

    @Test func basketsArePrintedAndTheSummaryAgreesWithTheEventsSeen() throws {
        let payloads = try Self.journal()
        #expect(payloads.count == 3)
        var tail = HQTailState()
        var lines: [[String: Any]] = []
        for payload in payloads { lines += tail.receive(topic: Self.topic, payload: payload) }
        let sale = try #require(lines.first { $0["type"] as? String == "sale" })
        #expect(sale["receipt"] as? String == "R1")
        #expect(sale["total"] as? Int64 == 700)
        #expect(sale["units"] as? Int64 == 3)
        #expect(lines.first { $0["type"] as? String == "return" }?["refund"] as? Int64 == 100)
        let summary = try #require(lines.first { $0["type"] as? String == "sales_summary" })
        #expect(summary["check"] as? String == "ok", "\(summary)")
        #expect(tail.summaryMismatches == 0)
    }

    @Test func aSummaryThatDisagreesOrCoversUnseenEventsIsReported() throws {
        let payloads = try Self.journal()
        // The return never arrives: the summary's range is incomplete here.
        var missingReturn = HQTailState()
        let incomplete = [payloads[0], payloads[2]].flatMap { missingReturn.receive(topic: Self.topic, payload: $0) }
        #expect((incomplete.first { $0["type"] as? String == "sales_summary" }?["check"] as? String)?.hasPrefix("incomplete: 1") == true)

        // A summary claiming one more unit sold than the events hold.
        let text = String(decoding: payloads[2], as: UTF8.self)
        let forged = Array(text.replacingOccurrences(of: #""sold":2,"returned":1"#, with: #""sold":3,"returned":1"#).utf8)
        #expect(forged != payloads[2])
        var tail = HQTailState()
        let lines = [payloads[0], payloads[1], forged].flatMap { tail.receive(topic: Self.topic, payload: $0) }
        let summary = try #require(lines.first { $0["type"] as? String == "sales_summary" })
        #expect(summary["check"] as? String == "mismatch")
        #expect((summary["differences"] as? [String])?.first?.contains("04006381333931") == true, "\(summary)")
        #expect(tail.summaryMismatches == 1)
        // The same event again is a duplicate, counted once.
        #expect(tail.receive(topic: Self.topic, payload: payloads[0]).first?["type"] as? String == "duplicate")
    }

    @Test func anotherGatewaysEventOnThisTopicIsATopicMismatchAndStaysOutOfItsChain() throws {
        let payloads = try Self.journal()
        let stranger = try LedgerFixture(gatewayID: "g9")
        defer { stranger.remove() }
        try stranger.produce(1)
        let misrouted = try #require(try stranger.ledger.journal().first.map { Array($0.canonicalPayload.utf8) })
        var tail = HQTailState()
        let lines = ([misrouted] + payloads).flatMap { tail.receive(topic: Self.topic, payload: $0) }
        let mismatch = try #require(lines.first { $0["type"] as? String == "topic_mismatch" })
        #expect(mismatch["writer_gateway"] as? String == "g9")
        #expect(mismatch["gateway"] as? String == "g1")
        #expect(tail.invalid == 1)
        #expect(tail.uniqueEvents == payloads.count, "the stranger's seq 1 did not take the place of g1's own")
        #expect(!lines.contains { $0["type"] as? String == "chain_broken" || $0["type"] as? String == "duplicate" })
    }

    @Test func aDownlinkEventIsPrintedAsSuchAndCountsAsNoSale() throws {
        let fixture = try LedgerFixture(gatewayID: "g1")
        defer { fixture.remove() }
        try fixture.register(ids: ["01/09506000134352/21/T1", "01/09506000134352/21/T2"])
        _ = try fixture.ledger.applySale(SaleBasket(receipt: "R1", currency: "EUR", lines: [
            SaleLine(kind: .unit, code: .unit(serial: "T1"), unitPrice: 500),
        ], context: DecisionContext.test()))
        try fixture.ledger.applyDownlink(stream: "revocations:*", seq: 3, payloadHash: "h",
                                         change: .revocations([("01/09506000134352/21/T2", "recalled")]), at: .testNow)
        try Self.summarise(fixture)
        let payloads = try fixture.ledger.journal().map { Array($0.canonicalPayload.utf8) }
        #expect(payloads.count == 3)
        var tail = HQTailState()
        let lines = payloads.flatMap { tail.receive(topic: Self.topic, payload: $0) }
        #expect(tail.invalid == 0)
        let downlink = try #require(lines.first { $0["type"] as? String == "downlink_applied" })
        #expect(downlink["stream"] as? String == "revocations:*")
        #expect((downlink["reason"] as? String)?.contains("1 code revoked") == true, "\(downlink)")
        let summary = try #require(lines.first { $0["type"] as? String == "sales_summary" })
        #expect(summary["check"] as? String == "ok", "the downlink event in the range counts as nothing: \(summary)")
    }

    /// Every `prev_hash` link is checked whichever end arrives first; a changed event breaks the link to its successor.
    @Test func theChainIsCheckedInAnyOrderOfArrival() throws {
        let payloads = try Self.journal()
        var inOrder = HQTailState()
        for index in [2, 0, 1] { _ = inOrder.receive(topic: Self.topic, payload: payloads[index]) }
        #expect(inOrder.chainBreaks == 0)

        var tampered = payloads[1]
        let receipt = try #require(tampered.firstRange(of: Array(#""receipt":"R1""#.utf8)))
        tampered[receipt.upperBound - 2] = UInt8(ascii: "9")
        var tail = HQTailState()
        var lines: [[String: Any]] = []
        for payload in [payloads[0], payloads[2], tampered] { lines += tail.receive(topic: Self.topic, payload: payload) }
        #expect(tail.chainBreaks == 1)
        #expect(lines.first { $0["type"] as? String == "chain_broken" }?["seq"] as? Int64 == 3)
    }

    /// A heartbeat's head verifies under the key of the gateway's status, shows a lost tail, and names the chain's hash.
    @Test func signedHeadsAreVerifiedAndShowALostTail() throws {
        let fixture = try LedgerFixture(gatewayID: "g1")
        defer { fixture.remove() }
        try fixture.produce(2)
        let key = try fixture.ledger.gatewaySigningKey()
        let head = try fixture.ledger.journalHead()
        let payloads = try fixture.ledger.journal().map { Array($0.canonicalPayload.utf8) }
        let topics = TopicScheme(storeID: "S1", gatewayID: "g1")
        func heartbeat(seq: Int64, hash: [UInt8], delivered: Int64, key: SigningKey, at timeMs: Int64) throws -> [UInt8] {
            try HQJSON.encode(GatewayHeartbeat(gatewayId: "g1", storeId: "S1", timeMs: timeMs, connectedSinceMs: nil, backlog: 0, counters: [:],
                                               head: .signed(seq: seq, hash: Hex.encode(hash), deliveredThroughSeq: delivered, storeId: "S1",
                                                             gatewayId: "g1", timeMs: timeMs, key: key)))
        }
        let status = try HQJSON.encode(GatewayStatus(
            state: "online", gatewayId: "g1", storeId: "S1", version: "t", timeMs: 1, broker: "t", backlog: 0, oldestUndeliveredSeq: nil,
            oldestUndeliveredAgeMs: nil, shed: 0, lastDownlinkSyncMs: nil, uplinkRefusal: nil, lastError: nil, scanners: [], counters: nil,
            gatewayKey: key.publicKeyText))

        var tail = HQTailState()
        _ = tail.receive(topic: topics.status, payload: status)
        _ = tail.receive(topic: Self.topic, payload: payloads[0])
        // Event 2 was delivered (the head says so) but never seen here.
        let lost = tail.receive(topic: topics.heartbeat, payload: try heartbeat(seq: head.seq, hash: head.hash, delivered: 2, key: key, at: 10))
        #expect(lost.first { $0["type"] as? String == "head" }?["check"] as? String == "ok")
        let gap = try #require(lost.first { $0["type"] as? String == "gap" })
        #expect(gap["from_seq"] as? Int64 == 2 && gap["to_seq"] as? Int64 == 2)
        #expect(tail.openGaps == ["g1": 1])
        _ = tail.receive(topic: Self.topic, payload: payloads[1])
        #expect(tail.openGaps.isEmpty)

        let wrongHash = tail.receive(topic: topics.heartbeat, payload: try heartbeat(
            seq: head.seq, hash: [UInt8](repeating: 9, count: 32), delivered: 2, key: key, at: 11))
        #expect((wrongHash.first { $0["type"] as? String == "head" }?["check"] as? String)?.hasPrefix("mismatch") == true)
        let forged = tail.receive(topic: topics.heartbeat, payload: try heartbeat(
            seq: head.seq, hash: head.hash, delivered: 2, key: SigningKey.generate(keyID: "g1"), at: 12))
        #expect((forged.first { $0["type"] as? String == "head" }?["check"] as? String)?.hasPrefix("invalid") == true)
        #expect(tail.headProblems == 2)
    }
}
