import Foundation
import StoregateLedger
import StoregateTesting
import Testing

/// Whatever bytes a till (or anything else on the box) posts, the API answers with one of its documented statuses and,
/// unless it accepted the request as an operation, records nothing; and it keeps answering.
struct RandomRequestTests {
    static let operations = ["verify", "receive", "sell", "redeem", "void"]
    static let statuses: Set<Int> = [200, 400, 404, 409, 413]

    /// Random bytes, valid bodies with bytes flipped, inserted or cut, objects with random fields and types, and
    /// well-formed requests with random scans and keys from a small pool (so some repeat: replays and conflicts).
    static func body(_ random: inout SeededGenerator) -> [UInt8] {
        let valid = Array(#"{"scan":"01095060001343521721123110LOT1\u001d21API1","lane":"1","operator":"op","idempotency_key":"k"}"#.utf8)
        switch Int.random(in: 0..<4, using: &random) {
        case 0:
            return (0..<Int.random(in: 0...300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
        case 1:
            var bytes = valid
            for _ in 0..<Int.random(in: 1...6, using: &random) where !bytes.isEmpty {
                let at = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0: bytes[at] = UInt8.random(in: 0...255, using: &random)
                case 1: bytes.insert(UInt8.random(in: 0...255, using: &random), at: at)
                default: bytes.remove(at: at)
                }
            }
            return bytes
        case 2:
            // Printable ASCII escaped for JSON, and now and then a GS as JSON's \u001d.
            let scan = (0..<Int.random(in: 1...60, using: &random)).map { _ -> String in
                if Int.random(in: 0..<10, using: &random) == 0 { return "\\u001d" }
                let character = Character(UnicodeScalar(UInt8.random(in: 0x20...0x7E, using: &random)))
                return character == "\\" || character == "\"" ? "\\\(character)" : String(character)
            }.joined()
            let key = Int.random(in: 0..<2, using: &random) == 0 ? "" : ",\"idempotency_key\":\"k\(Int.random(in: 0..<5, using: &random))\""
            return Array("{\"scan\":\"\(scan)\",\"lane\":\"\(Int.random(in: 1...3, using: &random))\"\(key)}".utf8)
        default:
            let keys = ["scan", "lane", "operator", "idempotency_key", "extra", ""]
            let values = ["\"1\"", "\"\"", "1", "null", "[]", "{}", "true", "\"01/09506000134352/21/API2\"", "\"\\u0000\"",
                          "\"" + String(repeating: "x", count: 5_000) + "\""]
            let fields = (0..<Int.random(in: 0...5, using: &random)).map { _ in
                "\"\(keys.randomElement(using: &random)!)\":\(values.randomElement(using: &random)!)"
            }
            return Array("{\(fields.joined(separator: ","))}".utf8)
        }
    }

    @Test func randomBodiesGetADocumentedAnswerAndOnlyOperationsAreRecorded() async throws {
        try await APIHarness.with { api in
            var random = SeededGenerator(seed: 0xA91)
            var recorded: Int64 = 0
            var refused = 0
            let before = try api.journalLength
            for round in 0..<400 {
                let operation = Int.random(in: 0..<8, using: &random) == 0 ? "bogus" : Self.operations.randomElement(using: &random)!
                let body = Self.body(&random)
                let reply = try await HTTPTestClient.request(port: api.port, "POST", "/v1/\(operation)",
                                                       headers: ["Content-Type": "application/json"], body: body)
                let described = "round \(round): \(operation) \(String(decoding: body.prefix(120), as: UTF8.self)) → \(reply.status) \(reply.text.prefix(200))"
                #expect(Self.statuses.contains(reply.status), "\(described)")
                if reply.status == 200 {
                    #expect(reply.json["result"] is String, "\(described)")
                    if reply.json["replayed"] as? Bool != true { recorded += 1 }
                } else {
                    refused += 1
                    let error = reply.json["error"] as? [String: Any]
                    #expect((error?["code"] as? String)?.isEmpty == false, "\(described)")
                    #expect((error?["message"] as? String)?.isEmpty == false, "\(described)")
                }
            }
            #expect(recorded > 10 && refused > 100, "both paths exercised: \(recorded) recorded, \(refused) refused")
            #expect(try api.journalLength == before + recorded, "a journal event per accepted request, none for the refused ones")
            let still = try await api.post("redeem", #"{"scan":"01/09506000134352/21/API5","lane":"1"}"#)
            #expect(still.status == 200 && still.json["result"] as? String == "accepted", "\(still.text)")
        }
    }

    /// Baskets: valid ones mutated byte by byte, and baskets assembled from random lines and values (some good, some
    /// refused by the rules, some malformed), with receipts from a small pool so replays and conflicts happen.
    static func basket(_ random: inout SeededGenerator) -> [UInt8] {
        let codes = APIHarness.codes + ["01/09506000134352/21/NOPE", "4006381333931", "not a code", ""]
        let line: (inout SeededGenerator) -> String = { random in
            var fields: [String] = []
            if Bool.random(using: &random) { fields.append(#""code":"\#(codes.randomElement(using: &random)!)""#) }
            if Int.random(in: 0..<3, using: &random) == 0 {
                fields.append(#""gtin":"\#(["4006381333931", "4006381333932", "09506000134352", "12"].randomElement(using: &random)!)""#)
            }
            if Int.random(in: 0..<4, using: &random) == 0 { fields.append(#""type":"\#(["unit", "plain", "reward", "gift"].randomElement(using: &random)!)""#) }
            if Int.random(in: 0..<3, using: &random) == 0 { fields.append(#""quantity":\#(["1", "3", "0", "-1", "1.5", "true", "\"2\""].randomElement(using: &random)!)"#) }
            if Bool.random(using: &random) { fields.append(#""unit_price":\#(["0", "350", "-5", "3.5", "null", "99999999999999"].randomElement(using: &random)!)"#) }
            if Int.random(in: 0..<4, using: &random) == 0 { fields.append(#""discount":\#(["10", "100000", "-1"].randomElement(using: &random)!)"#) }
            return "{" + fields.joined(separator: ",") + "}"
        }
        if Bool.random(using: &random) {
            // Well-formed: unit lines from the registered codes (sold ones are refused by the rules) and plain lines.
            let lines = (0..<Int.random(in: 1...3, using: &random)).map { _ in
                Bool.random(using: &random)
                    ? #"{"code":"\#(APIHarness.codes.randomElement(using: &random)!)","unit_price":100}"#
                    : #"{"gtin":"4006381333931","quantity":\#(Int.random(in: 1...5, using: &random)),"unit_price":50}"#
            }
            let units = lines.filter { $0.contains("code") }
            let unique = Set(units).count == units.count ? lines : Array(lines.prefix(1))
            return Array(#"{"receipt":"W\#(Int.random(in: 0..<100, using: &random))","lane":"T1","currency":"CNY","lines":[\#(unique.joined(separator: ","))]}"#.utf8)
        }
        var fields = [#""receipt":"R\#(Int.random(in: 0..<6, using: &random))""#, #""lane":"T1""#]
        if Int.random(in: 0..<4, using: &random) != 0 { fields.append(#""currency":"\#(["CNY", "EUR", "XXX", "cny"].randomElement(using: &random)!)""#) }
        if Int.random(in: 0..<5, using: &random) == 0 { fields.append(#""dry_run":\#(["true", "false", "1"].randomElement(using: &random)!)"#) }
        fields.append(#""lines":[\#((0..<Int.random(in: 0...4, using: &random)).map { _ in line(&random) }.joined(separator: ","))]"#)
        var bytes = Array("{\(fields.shuffled(using: &random).joined(separator: ","))}".utf8)
        if Int.random(in: 0..<5, using: &random) == 0, !bytes.isEmpty {
            bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
        }
        return bytes
    }

    @Test func randomBasketsGetADocumentedAnswerAndOnlyAcceptedOnesChangeTheLedger() async throws {
        try await APIHarness.with { api in
            var random = SeededGenerator(seed: 0xBA5)
            var accepted = 0, refused = 0, rejected = 0
            var recordedEvents: Int64 = 0
            let before = try api.journalLength
            for round in 0..<500 {
                let body = Self.basket(&random)
                let reply = try await HTTPTestClient.request(port: api.port, "POST", "/v1/sales",
                                                             headers: ["Content-Type": "application/json"], body: body)
                let described = "round \(round): \(String(decoding: body.prefix(200), as: UTF8.self)) → \(reply.status) \(reply.text.prefix(300))"
                #expect([200, 400, 409, 422].contains(reply.status), "\(described)")
                switch reply.status {
                case 200 where reply.json["dry_run"] as? Bool == true || reply.json["replayed"] as? Bool == true:
                    #expect(reply.json["seq"] == nil || reply.json["replayed"] as? Bool == true, "\(described)")
                case 200:
                    accepted += 1
                    #expect(reply.json["accepted"] as? Bool == true, "\(described)")
                    // The sale event and one redeem event per reward line.
                    let rewards = (reply.json["lines"] as? [[String: Any]] ?? []).filter { $0["redemption_seq"] != nil }.count
                    recordedEvents += Int64(1 + rewards)
                case 422:
                    rejected += 1
                    #expect(reply.json["accepted"] as? Bool == false && reply.json["seq"] == nil, "\(described)")
                default:
                    refused += 1
                    let error = reply.json["error"] as? [String: Any]
                    #expect((error?["code"] as? String)?.isEmpty == false && (error?["message"] as? String)?.isEmpty == false, "\(described)")
                }
            }
            #expect(accepted >= 3 && rejected > 10 && refused > 100, "every path: \(accepted) accepted, \(rejected) rejected, \(refused) refused")
            #expect(try api.journalLength == before + recordedEvents, "events only for accepted baskets")
            #expect(try api.fixture.ledger.check().isOK)
        }
    }
}
