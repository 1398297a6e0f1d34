import Foundation
@_spi(Fuzzing) import StoregateContract
import StoregateCore
import StoregateLedger
import StoregateTesting
import Testing

/// The fast path of `EventPayload.decode` against `JSONDecoder`: whatever the scanner accepts, `JSONDecoder` accepts
/// as the same event. What it declines goes to `JSONDecoder` anyway, so declining is always allowed.
@Suite struct EventPayloadScannerTests {
    /// Real events of a gateway's ledger: scans, a redemption, a basket, a return and a summary.
    static func realEvents() throws -> [[UInt8]] {
        let fixture = try LedgerFixture(gatewayID: "g1")
        defer { fixture.remove() }
        try fixture.register(ids: ["01/09506000134352/21/R1", "01/09506000134352/21/R2"])
        try fixture.apply(.redeem, .unit(serial: "R1"))
        try fixture.apply(.verify, .unit(serial: "R2"))
        try fixture.apply(.verify, .unit(serial: "NOPE"))
        return try fixture.ledger.journal().map { Array($0.canonicalPayload.utf8) } + HQTailStateTests.journal()
    }

    /// The scanner's event, if any, equals JSONDecoder's.
    static func agree(_ bytes: [UInt8]) -> Bool {
        guard let scanned = EventPayloadScanner.scan(bytes) else { return true }
        return (try? EventPayload.decodeWithJSONDecoder(bytes)) == scanned
    }

    @Test func theEventsGatewaysWriteTakeTheFastPathAndDecodeAlike() throws {
        let events = try Self.realEvents()
        var scanned = 0
        for bytes in events {
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(Self.agree(bytes), "\(text)")
            if EventPayloadScanner.scan(bytes) != nil { scanned += 1 }
            // Baskets, returns and summaries carry lines: JSONDecoder's.
            let hasLines = text.contains(#""lines":"#) || text.contains(#""summary":"#)
            #expect((EventPayloadScanner.scan(bytes) == nil) == hasLines, "\(text)")
        }
        #expect(scanned >= 3)
    }

    @Test func whatTheScannerDeclinesOrRefusesJSONDecoderDecides() throws {
        let base = #"{"v":1,"seq":7,"event_id":"0190c5a8-0000-7000-8000-000000000001","store_id":"S1","gateway_id":"g1","op":"redeem","code":"01/09506000134352/21/X","result":"accepted","reason":"","lane":"1","operator":"li","role":"checkout","time_ms":1780000000000,"provisional":false,"details":{"campaign":"cap","state":"sold","extra":[1,-2.5e3,{"a":[true,false,null]},"\n\u00e9"]},"prev_hash":"0000000000000000000000000000000000000000000000000000000000000000"}"#
        #expect(EventPayloadScanner.scan(Array(base.utf8)) == nil)  // the \u escape in an unknown value: declined
        let plain = base.replacingOccurrences(of: #","\n\u00e9""#, with: #","\n""#)
        #expect(EventPayloadScanner.scan(Array(plain.utf8))?.details?.campaign == "cap")
        let variants: [String] = [
            plain.replacingOccurrences(of: #""seq":7"#, with: #""seq":7.0"#),
            plain.replacingOccurrences(of: #""seq":7"#, with: #""seq":07"#),
            plain.replacingOccurrences(of: #""seq":7"#, with: #""seq":"7""#),
            plain.replacingOccurrences(of: #""seq":7"#, with: #""seq":7,"seq":8"#),
            plain.replacingOccurrences(of: #""op":"redeem""#, with: #""op":null"#),
            plain.replacingOccurrences(of: #""code":"01/09506000134352/21/X""#, with: #""code":null"#),
            plain.replacingOccurrences(of: #""provisional":false"#, with: #""provisional":0"#),
            plain.replacingOccurrences(of: #""reason":"""#, with: #""reason":"a\"b""#),
            plain.replacingOccurrences(of: "{\"v\"", with: " \n{ \"v\" "),
            plain + " ", plain + "}", plain + "x",
            plain.replacingOccurrences(of: #""extra":["#, with: #""extra":[01,"#),
            plain.replacingOccurrences(of: #""extra":["#, with: #""extra":[1.,"#),
            plain.replacingOccurrences(of: #""details":{"#, with: #""details":{"lines":null,"#),
            plain.replacingOccurrences(of: #""details":{"#, with: #""details":{"currency":7,"#),
            plain.replacingOccurrences(of: #""store_id":"S1""#, with: "\"store_id\":\"S\u{e9}1\""),
            plain.replacingOccurrences(of: #""details":{"#, with: #""details":{"other":1,"other":[2],"#),
            plain.replacingOccurrences(of: #""v":1,"#, with: #""v":1,"x":{},"x":"y","#),
        ]
        #expect(EventPayloadScanner.scan(Array(variants[variants.count - 1].utf8)) != nil)
        for variant in variants {
            #expect(Self.agree(Array(variant.utf8)), "\(variant)")
        }
        // Invalid UTF-8 in a kept string and in a skipped one.
        var broken = Array(plain.utf8)
        broken[broken.firstIndex(of: UInt8(ascii: "S"))!] = 0xC3
        #expect(EventPayloadScanner.scan(broken) == nil)
    }

    /// Seeded mutations of real events and of a plain one: every byte class that matters to JSON, inserted,
    /// replaced and deleted.
    @Test func mutatedEventsNeverDecodeDifferently() throws {
        let events = try Self.realEvents()
        let alphabet = Array(#"{}[]",:0123456789-+.eEtrufalsn \#t\#n\\/x"#.utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xA9, 0xFF]
        var generator = SeededGenerator(seed: 20_261_205)
        var accepted = 0
        for round in 0..<20_000 {
            var bytes = events[round % events.count]
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let at = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[at] = alphabet.randomElement(using: &generator)!
                case 1: bytes.insert(alphabet.randomElement(using: &generator)!, at: at)
                default: bytes.remove(at: at)
                }
            }
            if EventPayloadScanner.scan(bytes) != nil { accepted += 1 }
            #expect(Self.agree(bytes), "\(String(decoding: bytes, as: UTF8.self))")
        }
        // Some mutations leave an event (a changed digit, a changed letter): the comparison was made on them.
        #expect(accepted > 1_000)
    }

    /// HQ files every event under the GTIN of its code: a GS1 unit's canonical id, nothing else.
    @Test func theGTINIsReadFromAUnitsCanonicalIDOnly() throws {
        var event = try EventPayload.decode(try #require(Self.realEvents().first))
        let cases: [(code: String?, gtin: String?)] = [
            ("01/09506000134352/21/R1", "09506000134352"),
            ("01/09506000134352", "09506000134352"),
            ("01/0950600013435/21/R1", nil),
            ("01/095060001343521/21/R1", nil),
            ("21/R1/01/09506000134352", nil),
            ("brand:spring:0001", nil),
            ("01/", nil),
            ("", nil),
            (nil, nil),
        ]
        for (code, gtin) in cases {
            event.code = code
            #expect(event.gtin == gtin, "\(code ?? "nil")")
        }
    }
}
