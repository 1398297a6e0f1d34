import Foundation
import StoregateContract
import StoregateCore
import StoregateGateway
import StoregateLedger
import StoregateLink
import StoregateTesting
import Testing

/// `sales_summary` events: each equals the sale, return, sell and redeem events of its journal range, counted
/// again from the journal, and the ranges follow each other without gap or overlap across restarts.
@Suite
struct SalesSummaryTests {
    static let gtinA = "4006381333931"
    static let gtinB = "09506000134352"

    @Test func summariesEqualTheEventsTheyCoverAcrossRestarts() throws {
        let directory = try TemporaryDirectory(prefix: "storegate-summary")
        defer { directory.remove() }
        let units = (1...60).map { "01/\(Self.gtinB)/21/SUM\($0)" }
        var generator = SeededGenerator(seed: 42)
        var nextUnit = 0
        var receipts: [String] = []
        var time: Int64 = 1_780_000_000_000
        // Four lives of the gateway: each opens the ledger anew, trades, and (but for one, which "crashes")
        // writes a summary before it goes.
        for life in 0..<4 {
            let fixture = try LedgerFixture(in: directory)
            if life == 0 { try fixture.register(ids: units) }
            let desk = OperationDesk(ledger: fixture.ledger, disk: DiskGuard(ledger: fixture.ledger, configuration: DiskGuardConfiguration()))
            let summarizer = SalesSummarizer(ledger: fixture.ledger, disk: desk.disk, periodMinutes: 15)
            for step in 0..<25 {
                time += 60_000
                let asker = OperationDesk.Asker(lane: "T1", role: .checkout, operatorName: "li",
                                                time: Timestamp(milliseconds: time), origin: .cli)
                switch Int.random(in: 0..<10, using: &generator) {
                case 0..<5 where nextUnit + 2 < units.count:
                    let receipt = "R-\(life)-\(step)"
                    let document = #"""
                        {"receipt":"\#(receipt)","currency":"CNY","lines":[
                          {"code":"\#(units[nextUnit])","unit_price":\#(Int.random(in: 100...900, using: &generator))},
                          {"gtin":"\#(Self.gtinA)","quantity":\#(Int.random(in: 1...4, using: &generator)),"unit_price":350,"discount":20},
                          {"type":"reward","code":"\#(units[nextUnit + 1])","gtin":"\#(Self.gtinB)"}]}
                        """#
                    nextUnit += 2
                    let outcome = try desk.sell(try desk.readBasket(Array(document.utf8)), by: asker)
                    #expect(outcome.accepted)
                    receipts.append(receipt)
                case 5..<7 where !receipts.isEmpty:
                    let receipt = receipts.removeFirst()
                    let context = DecisionContext(lane: "T1", operator: "li", role: .checkout, time: asker.time)
                    _ = try desk.takeBack(SaleReturn(returnID: "RT-\(receipt)", receipt: receipt, items: [.line(2, quantity: 1)],
                                                     context: context), by: asker)
                case 7 where nextUnit < units.count:
                    _ = try desk.perform(.sell, on: ParsedCode.unit(gtin: Self.gtinB, serial: "SUM\(nextUnit + 1)"), by: asker)
                    nextUnit += 1
                default:
                    _ = try desk.perform(.verify, on: ParsedCode.unit(gtin: Self.gtinB, serial: "SUM1"), by: asker)
                }
                if step == 12 {
                    _ = try summarizer.write(periodEnd: SalesSummarizer.nextBoundary(
                        after: Timestamp(milliseconds: time), periodMinutes: 15, utcOffsetMinutes: 0), at: Timestamp(milliseconds: time))
                }
            }
            if life != 2 { _ = try summarizer.write(periodEnd: Timestamp(milliseconds: time), at: Timestamp(milliseconds: time)) }
            try fixture.ledger.close()
        }

        let ledger = try Ledger(path: directory.file("ledger.sqlite"))
        let journal = try ledger.journal(fromSeq: 1, limit: 10_000)
        let payloads = try journal.map { try EventPayload.decode(Array($0.canonicalPayload.utf8)) }
        let summaries = payloads.filter { $0.op == "sales_summary" }.compactMap { $0.details?.summary }
        #expect(summaries.count == 7)
        var expectedFirst: Int64 = 1
        for summary in summaries {
            #expect(summary.firstSeq == expectedFirst, "ranges follow each other")
            expectedFirst = summary.lastSeq + 1
            var recount = SalesTally()
            for event in payloads where (summary.firstSeq...summary.lastSeq).contains(event.seq) { recount.add(event) }
            #expect(recount.differences(from: SalesTally(summary)) == [])
            #expect(summary.periodStartMs <= summary.periodEndMs)
        }
        // Every sale and return before the last summary is in exactly one summary.
        let covered = summaries.reduce(Int64(0)) { $0 + $1.saleEvents + $1.returnEvents }
        let lastCovered = summaries.last?.lastSeq ?? 0
        #expect(covered == Int64(payloads.filter { ($0.op == "sale" || $0.op == "return") && $0.seq <= lastCovered }.count))
        #expect(covered > 10)
    }

    @Test func periodsEndOnTheStoresWallClock() {
        // 10:07 UTC in a store at UTC+05:45: local 15:52, so the period ends at local 16:00 = 10:15 UTC.
        let time = Timestamp(milliseconds: 1_780_000_000_000 - 1_780_000_000_000 % 3_600_000 + 7 * 60_000)
        let boundary = SalesSummarizer.nextBoundary(after: time, periodMinutes: 15, utcOffsetMinutes: 345)
        #expect(boundary.milliseconds - time.milliseconds == 8 * 60_000)
        #expect(SalesSummarizer.nextBoundary(after: boundary, periodMinutes: 15, utcOffsetMinutes: 345).milliseconds
            == boundary.milliseconds + 15 * 60_000)
    }
}
