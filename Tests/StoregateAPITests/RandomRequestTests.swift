import Foundation
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
}
