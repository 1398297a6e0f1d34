import Foundation
import StoregateCore
import StoregateLedger
import StoregateTesting
import Testing

/// `POST /v1/sales` and `POST /v1/returns` over real HTTP against a real ledger: a basket is all or nothing.
@Suite
struct SalesEndpointTests {
    static let units = APIHarness.codes
    static let plainGTIN = "4006381333931"

    /// The code states and the journal's length: what "nothing changed" compares.
    static func snapshot(_ api: APIHarness) throws -> [String] {
        try Self.units.map { try api.fixture.ledger.record(codeID: $0)?.state.rawValue ?? "-" } + ["\(try api.journalLength)"]
    }

    static func lines(_ reply: HTTPReply) -> [[String: Any]] { reply.json["lines"] as? [[String: Any]] ?? [] }

    @Test func aBasketWithOneBadLineChangesNothingAndWithoutItCommitsOnce() async throws {
        try await APIHarness.with { api in
            _ = try await api.post("sell", #"{"scan":"\#(Self.units[2])","lane":"1"}"#)
            let before = try Self.snapshot(api)
            let basket = #"""
                {"receipt":"R-100","currency":"CNY","lane":"T1","operator":"li","lines":[
                  {"code":"\#(Self.units[0])","unit_price":1200},
                  {"code":"\#(Self.units[2])","unit_price":1200},
                  {"gtin":"\#(Self.plainGTIN)","quantity":2,"unit_price":350,"discount":100}]}
                """#
            let rejected = try await api.post("sales", basket)
            #expect(rejected.status == 422)
            #expect(rejected.json["accepted"] as? Bool == false)
            #expect(rejected.json["seq"] == nil)
            let results = Self.lines(rejected).map { $0["result"] as? String ?? "?" }
            #expect(results == ["accepted", "already_sold", "accepted"])
            #expect(try Self.snapshot(api) == before)

            // The POS drops line 2 and sends the basket again under the same receipt: it was never recorded.
            let fixed = basket.replacingOccurrences(of: #"{"code":"\#(Self.units[2])","unit_price":1200},"#, with: "")
            let accepted = try await api.post("sales", fixed)
            #expect(accepted.status == 200, "\(accepted.text)")
            #expect(accepted.json["accepted"] as? Bool == true)
            #expect(accepted.json["total"] as? Int == 1200 + 2 * 350 - 100)
            #expect(try api.fixture.ledger.record(codeID: Self.units[0])?.state == .sold)
            #expect(try api.journalLength == Int64(before.last!)! + 1)
            let event = try #require(try api.fixture.ledger.journal(fromSeq: Int64(accepted.json["seq"] as? Int ?? 0), limit: 1).first)
            #expect(event.operation == .sale)
            #expect(event.codeID == nil)
            let details = try #require(try JSONSerialization.jsonObject(with: Data(event.details.utf8)) as? [String: Any])
            #expect(details["receipt"] as? String == "R-100")
            #expect((details["lines"] as? [[String: Any]])?.map { $0["gtin"] as? String } == ["09506000134352", "0" + Self.plainGTIN])
            #expect(try api.fixture.ledger.productSales()["0" + Self.plainGTIN] == 2)

            // Sent again: the same answer, no second event.
            let again = try await api.post("sales", fixed)
            #expect(again.status == 200)
            #expect(again.json["replayed"] as? Bool == true)
            #expect(again.json["seq"] as? Int == accepted.json["seq"] as? Int)
            #expect(again.json["event_id"] as? String == accepted.json["event_id"] as? String)
            #expect(try api.journalLength == Int64(before.last!)! + 1)

            // The same receipt id with other content is a conflict.
            let changed = fixed.replacingOccurrences(of: #""quantity":2"#, with: #""quantity":3"#)
            let conflict = try await api.post("sales", changed)
            #expect(conflict.status == 409)
            #expect(conflict.errorCode == "idempotency_key_reused")
        }
    }

    @Test func aRewardRedeemsThePrizeInTheSameTransactionAndTheSaleNamesTheRedemption() async throws {
        try await APIHarness.with { api in
            let basket = #"""
                {"receipt":"R-200","currency":"CNY","lane":"T1","lines":[
                  {"code":"\#(Self.units[0])","unit_price":500},
                  {"type":"reward","code":"\#(Self.units[1])","gtin":"09506000134352"}]}
                """#
            let reply = try await api.post("sales", basket)
            #expect(reply.status == 200, "\(reply.text)")
            let reward = try #require(Self.lines(reply).last)
            let redemptionSeq = try #require(reward["redemption_seq"] as? Int)
            #expect(redemptionSeq == (reply.json["seq"] as? Int ?? 0) - 1)
            #expect(try api.fixture.ledger.record(codeID: Self.units[1])?.state == .redeemed)
            let events = try api.fixture.ledger.journal(fromSeq: 1, limit: 10)
            #expect(events.map(\.operation) == [.redeem, .sale])
            #expect(events[0].codeID == Self.units[1])
            // The prize cannot be redeemed again, in a basket or at a counter.
            let again = try await api.post("redeem", #"{"scan":"\#(Self.units[1])","lane":"T1"}"#)
            #expect(again.json["result"] as? String == "already_redeemed")
        }
    }

    @Test func aDryRunAnswersEveryLineAndChangesNothing() async throws {
        try await APIHarness.with { api in
            let before = try Self.snapshot(api)
            let reply = try await api.post("sales", #"""
                {"receipt":"R-300","lane":"T1","dry_run":true,"lines":[{"code":"\#(Self.units[0])"},{"code":"01/09506000134352/21/NOPE"}]}
                """#)
            #expect(reply.status == 200)
            #expect(reply.json["dry_run"] as? Bool == true)
            #expect(Self.lines(reply).map { $0["result"] as? String ?? "?" } == ["accepted", "unknown_code"])
            #expect(try Self.snapshot(api) == before)
        }
    }

    @Test(arguments: [
        (#"{"receipt":"R","lane":"T1","lines":[{"gtin":"4006381333931","quantity":0}]}"#, "lines[1].quantity"),
        (#"{"receipt":"R","lane":"T1","lines":[{"gtin":"4006381333931","quantity":-2}]}"#, "lines[1].quantity"),
        (#"{"receipt":"R","lane":"T1","currency":"CNY","lines":[{"gtin":"4006381333931","unit_price":3.5}]}"#, "lines[1].unit_price"),
        (#"{"receipt":"R","lane":"T1","currency":"CNY","lines":[{"gtin":"4006381333931","unit_price":"350"}]}"#, "lines[1].unit_price"),
        (#"{"receipt":"R","lane":"T1","lines":[{"gtin":"4006381333931","quantity":true}]}"#, "lines[1].quantity"),
        (#"{"receipt":"R","lane":"T1","currency":"XYZ","lines":[{"gtin":"4006381333931"}]}"#, "currency"),
        (#"{"receipt":"R","lane":"T1","lines":[{"gtin":"4006381333932"}]}"#, "lines[1].gtin"),
        (#"{"receipt":"R","lane":"T1","lines":[{"gtin":"4006381333931","unit_price":350}]}"#, "lines[1].unit_price"),
        (#"{"receipt":"R","lane":"T1","currency":"CNY","lines":[{"gtin":"4006381333931","unit_price":100,"discount":101}]}"#, "lines[1].discount"),
        (#"{"receipt":"R","lane":"T1","lines":[{"code":"01/09506000134352/21/API1"},{"code":"01/09506000134352/21/API1"}]}"#, "lines[2]"),
        (#"{"receipt":"R","lane":"T1","lines":[]}"#, "lines"),
        (#"{"receipt":"R","lane":"T1","lines":[{"gtin":"4006381333931"}],"tip":5}"#, "tip"),
        (#"{"lane":"T1","lines":[{"gtin":"4006381333931"}]}"#, "receipt"),
        (#"{"receipt":"R","lines":[{"gtin":"4006381333931"}]}"#, "lane"),
        (#"{"receipt":"R","lane":"T1","lines":[{"type":"unit","gtin":"4006381333931"}]}"#, "lines[1].code"),
        (#"{"receipt":"R","lane":"T1","lines":[{"code":"01/09506000134352/21/API1","quantity":2}]}"#, "lines[1].quantity"),
    ])
    func badBasketsSayWhichFieldAndChangeNothing(body: String, field: String) async throws {
        try await APIHarness.with { api in
            let before = try Self.snapshot(api)
            let reply = try await api.post("sales", body)
            #expect(reply.status == 400, "\(body): \(reply.text)")
            #expect(reply.errorCode == "invalid_field")
            let message = (reply.json["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(message.hasPrefix("\(field):"), "\(body): \(message)")
            #expect(try Self.snapshot(api) == before)
        }
    }

    @Test func aBasketOverTheSizeLimitIsRefused() async throws {
        try await APIHarness.with { api in
            let lines = Array(repeating: #"{"gtin":"4006381333931"}"#, count: 201).joined(separator: ",")
            let reply = try await api.post("sales", #"{"receipt":"R","lane":"T1","lines":[\#(lines)]}"#)
            #expect(reply.status == 400)
            #expect(reply.text.contains("at most 200"))
        }
    }

    @Test func returnsTakeUnitsBackOnceAndRefundsAddUpToTheLine() async throws {
        try await APIHarness.with { api in
            let sale = try await api.post("sales", #"""
                {"receipt":"R-400","currency":"EUR","lane":"T1","lines":[
                  {"code":"\#(Self.units[0])","unit_price":999},
                  {"gtin":"\#(Self.plainGTIN)","quantity":3,"unit_price":100,"discount":10}]}
                """#)
            #expect(sale.status == 200)
            // A unit sold in a basket goes back with a return, not a void (the basket's event would still count it).
            let void = try await api.post("void", #"{"scan":"\#(Self.units[0])","lane":"T1"}"#)
            #expect(void.json["result"] as? String == "nothing_to_undo")

            let unit = try await api.post("returns", #"{"return_id":"RT-1","receipt":"R-400","lane":"T1","lines":[{"code":"\#(Self.units[0])"}]}"#)
            #expect(unit.status == 200, "\(unit.text)")
            #expect(unit.json["refund"] as? Int == 999)
            #expect(try api.fixture.ledger.record(codeID: Self.units[0])?.state == .received)
            let twice = try await api.post("returns", #"{"return_id":"RT-2","receipt":"R-400","lane":"T1","lines":[{"line":1}]}"#)
            #expect(twice.status == 422)
            #expect(twice.errorCode == "return_refused")

            // 3 × 100 − 10 = 290, returned one at a time: 96 + 97 + 97.
            var refunds: [Int] = []
            for index in 1...3 {
                let reply = try await api.post("returns", #"{"return_id":"RP-\#(index)","receipt":"R-400","lane":"T1","lines":[{"line":2,"quantity":1}]}"#)
                #expect(reply.status == 200, "\(reply.text)")
                refunds.append(reply.json["refund"] as? Int ?? -1)
            }
            #expect(refunds.reduce(0, +) == 290)
            let fourth = try await api.post("returns", #"{"return_id":"RP-4","receipt":"R-400","lane":"T1","lines":[{"line":2,"quantity":1}]}"#)
            #expect(fourth.status == 422)
            // A repeated return id is the first answer again.
            let replay = try await api.post("returns", #"{"return_id":"RP-1","receipt":"R-400","lane":"T1","lines":[{"line":2,"quantity":1}]}"#)
            #expect(replay.json["replayed"] as? Bool == true)
            #expect(replay.json["refund"] as? Int == refunds[0])
            let unknown = try await api.post("returns", #"{"return_id":"RX","receipt":"NEVER","lane":"T1","lines":[{"line":1}]}"#)
            #expect(unknown.status == 422)
            #expect(try api.fixture.ledger.journal(fromSeq: 1, limit: 20).map(\.operation) == [.sale, .void, .return, .return, .return, .return])
        }
    }

    @Test func aReturnPastTheWindowIsRefused() async throws {
        try await APIHarness.with { api in
            _ = try await api.post("sales", #"{"receipt":"R-500","lane":"T1","lines":[{"code":"\#(Self.units[0])"}]}"#)
            try api.fixture.ledger.updatePolicy { $0.returnWindowMilliseconds = 0 }
            try await Task.sleep(for: .milliseconds(5))
            let late = try await api.post("returns", #"{"return_id":"RT","receipt":"R-500","lane":"T1","lines":[{"line":1}]}"#)
            #expect(late.status == 422)
            #expect(late.text.contains("return window"))
            #expect(try api.fixture.ledger.record(codeID: Self.units[0])?.state == .sold)
        }
    }
}
