import Foundation
import StoregateContract
import StoregateCore
import StoregateEPCIS
import Testing

/// The parts of the mapping the journal round trip does not reach: every kind of code id, times at the edges,
/// offsets, and the events left out.
@Suite struct EPCISMappingTests {
    @Test func everyKindOfCodeIDBecomesItsURIOrNothing() {
        let cases: [(String, String?)] = [
            ("01/09506000134352/21/ABC", "https://id.gs1.org/01/09506000134352/21/ABC"),
            ("01/09506000134352/21/A%2FB%25", "https://id.gs1.org/01/09506000134352/21/A%2FB%25"),
            ("01/09506000134352/235/TPX9", "https://id.gs1.org/01/09506000134352/235/TPX9"),
            ("00/095060001343520000", "https://id.gs1.org/00/095060001343520000"),
            ("brand:qbrand:7GQ2XK9P4M", "https://storegate.example/epcis/brand/qbrand/7GQ2XK9P4M"),
            ("brand:qbrand:a/b c", "https://storegate.example/epcis/brand/qbrand/a%2Fb%20c"),
            ("01/09506000134352", nil),          // a product, not a unit
            ("01/09506000134353/21/ABC", nil),   // bad check digit
            ("brand:qbrand", nil),
            ("https://id.gs1.org/01/09506000134352/21/ABC", nil),  // a scan, not a canonical id
        ]
        for (id, uri) in cases { #expect(EPCISIdentifiers.epc(codeID: id) == uri, "\(id)") }
        #expect(EPCISIdentifiers.epcClass(gtin: "4006381333931") == "https://id.gs1.org/01/04006381333931")
        #expect(EPCISIdentifiers.location(gln: "9506000134376", extension: "A/1") == "https://id.gs1.org/414/9506000134376/254/A%2F1")
    }

    @Test func timesAndOffsetsAreWrittenAsEPCISWantsThem() {
        #expect(EPCISTime.utc(0) == "1970-01-01T00:00:00.000Z")
        #expect(EPCISTime.utc(-1) == "1969-12-31T23:59:59.999Z")
        #expect(EPCISTime.utc(1_796_000_461_007) == "2026-11-30T01:01:01.007Z")
        #expect(EPCISTime.offset(minutes: 480) == "+08:00")
        #expect(EPCISTime.offset(minutes: -330) == "-05:30")
        #expect(EPCISTime.offset(minutes: 0) == "+00:00")
        #expect(EPCISTime.offset(minutes: 845) == "+14:05")
        #expect(EPCISTime.parse("2026-12-05T08:00:00+08:00")?.milliseconds == EPCISTime.parse("2026-12-05T00:00:00Z")?.milliseconds)
        #expect(EPCISTime.parse("2026-12-05T00:00:00.25Z")?.milliseconds == 1_796_428_800_250)
        #expect(EPCISTime.parse("2026-12-05") == nil)
    }

    /// The offset is the store's at each event's instant (HQ passes its IANA zone, so daylight saving time shows).
    @Test func eachEventGetsTheOffsetOfItsInstant() throws {
        let zone = try #require(TimeZone(identifier: "Europe/Berlin"))
        let exporter = try EPCISExporter(gln: "9506000134376") { zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double($0) / 1_000)) / 60 }
        let winter = Self.payload(seq: 1, op: "sell", timeMs: 1_796_428_800_000)   // December
        let summer = Self.payload(seq: 2, op: "sell", timeMs: 1_782_864_000_000)   // July
        let document = try exporter.document(payloads: [winter, summer], period: EPCISPeriod(from: Timestamp(milliseconds: 0),
                                                                                                to: Timestamp(milliseconds: .max)),
                                             creationDate: Timestamp(milliseconds: 0))
        #expect(document.events.map(\.eventTimeZoneOffset) == ["+01:00", "+02:00"])
    }

    @Test func refusedScansAndEventsAboutTheGatewayAreLeftOut() throws {
        let exporter = try EPCISExporter(gln: "9506000134376") { _ in 0 }
        let payloads = [
            Self.payload(seq: 1, op: "redeem", result: "already_redeemed"),
            Self.payload(seq: 2, op: "verify"),
            Self.payload(seq: 3, op: "sales_summary", code: nil),
            Self.payload(seq: 4, op: "downlink", code: nil),
            Self.payload(seq: 5, op: "redeem", code: nil),
            Self.payload(seq: 6, op: "redeem"),
        ]
        let everything = EPCISPeriod(from: Timestamp(milliseconds: 0), to: Timestamp(milliseconds: .max))
        let document = try exporter.document(payloads: payloads, period: everything, creationDate: Timestamp(milliseconds: 0))
        #expect(document.events.map(\.extensions.seq) == [6])
        #expect(throws: EPCISExportError.self) {
            try exporter.document(payloads: [Array("{}".utf8)], period: everything, creationDate: Timestamp(milliseconds: 0))
        }
    }

    static func payload(seq: Int64, op: String, result: String = "accepted", code: String? = "01/09506000134352/21/ABC",
                        timeMs: Int64 = 1_796_428_800_000) -> [UInt8] {
        let codeField = code.map { #""code":"\#($0)","# } ?? ""
        return Array(#"""
            {"v":1,"seq":\#(seq),"event_id":"0193935c-6a4e-7c1d-9a1f-3a0e5b2c7d1\#(seq % 10)","op":"\#(op)",\#(codeField)"result":"\#(result)","reason":"r","lane":"1","operator":"o","role":"checkout","time_ms":\#(timeMs),"provisional":false,"prev_hash":"\#(String(repeating: "0", count: 64))"}
            """#.utf8)
    }
}
