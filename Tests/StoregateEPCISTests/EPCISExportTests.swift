import Foundation
import StoregateCore
import StoregateLedger
import StoregateTesting
import Testing

/// `storegate export epcis` end to end: real journal events, made by the real binary, exported, read back and
/// checked event by event, and validated against GS1's EPCIS 2.0 JSON Schema.
@Suite struct EPCISExportTests {
    static let namespace = "https://storegate.example/epcis/"

    /// A store's day: receive, sell, a redemption voided, a basket (unit, plain line, reward), a return of the
    /// basket's unit; and what is not exported: a verify and a refused redemption.
    static func storeDay(_ store: EPCISStore) throws {
        try store.expectSuccess(["ledger", "campaign", "set", "--db", store.db, "CNY-2027", "--from", "2020-01-01", "--to", "2100-01-01"])
        try store.register(["U1", "U2", "U3"])
        try store.register(["P1", "P2"], campaign: "CNY-2027")
        #expect(try store.operate("receive", EPCISStore.unit("U1")) == 0)
        #expect(try store.operate("sell", "https://id.gs1.org/01/\(EPCISStore.gtin)/21/U2") == 0)
        #expect(try store.operate("redeem", EPCISStore.unit("P1")) == 0)
        #expect(try store.operate("void", EPCISStore.unit("P1")) == 0)
        try store.ring("sale", """
            {"receipt":"R-1","currency":"CNY","lines":[
              {"code":"\(EPCISStore.unit("U3"))","unit_price":600},
              {"gtin":"4006381333931","quantity":3,"unit_price":250},
              {"type":"reward","code":"\(EPCISStore.unit("P2"))","gtin":"\(EPCISStore.gtin)"}]}
            """)
        try store.ring("return", #"{"return_id":"RT-1","receipt":"R-1","lines":[{"code":"\#(EPCISStore.unit("U3"))"}]}"#)
        #expect(try store.operate("verify", EPCISStore.unit("U1")) == 0)
        #expect(try store.operate("redeem", EPCISStore.unit("P2")) == 1)  // already redeemed in the basket
    }

    /// An export of the whole day, parsed.
    static func exportDay(_ store: EPCISStore) throws -> (data: Data, events: [[String: Any]]) {
        let out = store.directory.file("export.jsonld")
        let now = Date()
        let iso = ISO8601DateFormatter()
        let result = try store.export(["--from", iso.string(from: now.addingTimeInterval(-3_600)),
                                       "--to", iso.string(from: now.addingTimeInterval(3_600)), "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        let data = try Data(contentsOf: URL(fileURLWithPath: out))
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let body = try #require(document["epcisBody"] as? [String: Any])
        return (data, try #require(body["eventList"] as? [[String: Any]]))
    }

    @Test func everyExportedJournalEventRoundTripsWithItsCodesStepTimeAndID() throws {
        let store = try EPCISStore()
        defer { store.remove() }
        try Self.storeDay(store)
        let (data, events) = try Self.exportDay(store)

        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(document["type"] as? String == "EPCISDocument")
        #expect(document["schemaVersion"] as? String == "2.0")
        #expect(document["@context"] as? [Any] != nil)
        let context = try #require(document["@context"] as? [Any])
        #expect(context.first as? String == "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld")
        #expect((context.last as? [String: String])?["storegate"] == Self.namespace)

        // What the journal holds: receive, sell, redeem (P1), void, redeem (P2, the basket's reward), sale, return,
        // verify, refused redeem. Every accepted operation on codes is exported, in journal order.
        let journal = try store.journal()
        #expect(journal.map(\.operation.rawValue) == ["receive", "sell", "redeem", "void", "redeem", "sale", "return", "verify", "redeem"])
        let exported = journal.filter { $0.result.rawValue == "accepted" && $0.operation.rawValue != "verify" }
        #expect(exported.count == 7)
        #expect(events.count == exported.count)

        let unit = { (serial: String) in "https://id.gs1.org/01/\(EPCISStore.gtin)/21/\(serial)" }
        // op, epcList, bizStep, disposition (independent of the mapping's code: docs/epcis.md's table).
        let expected: [(String, [String], String, String?)] = [
            ("receive", [unit("U1")], "receiving", "in_progress"),
            ("sell", [unit("U2")], "retail_selling", "retail_sold"),
            ("redeem", [unit("P1")], Self.namespace + "bizstep/redeeming", Self.namespace + "disposition/redeemed"),
            // The void undid P1's redemption: P1 is back to `issued`, a state with no disposition.
            ("void", [unit("P1")], Self.namespace + "bizstep/voiding", nil),
            ("redeem", [unit("P2")], Self.namespace + "bizstep/redeeming", Self.namespace + "disposition/redeemed"),
            ("sale", [unit("U3")], "retail_selling", "retail_sold"),
            ("return", [unit("U3")], "receiving", "returned"),
        ]
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for (index, (journalEvent, event)) in zip(exported, events).enumerated() {
            let (op, epcs, bizStep, disposition) = expected[index]
            #expect(journalEvent.operation.rawValue == op)
            #expect(event["type"] as? String == "ObjectEvent")
            #expect(event["eventID"] as? String == "urn:uuid:\(journalEvent.eventID.lowercased())", "\(op)")
            #expect(event["storegate:seq"] as? Int == Int(journalEvent.seq))
            #expect(event["storegate:operation"] as? String == op)
            #expect(event["storegate:lane"] as? String == journalEvent.lane)
            #expect(event["storegate:reason"] as? String == journalEvent.reason)
            #expect(event["epcList"] as? [String] == epcs, "\(op)")
            #expect(event["action"] as? String == "OBSERVE")
            #expect(event["bizStep"] as? String == bizStep, "\(op)")
            #expect(event["disposition"] as? String == disposition, "\(op)")
            #expect(event["eventTimeZoneOffset"] as? String == "+08:00")
            let eventTime = try #require(event["eventTime"] as? String)
            let time = try #require(formatter.date(from: eventTime))
            #expect(Int64((time.timeIntervalSince1970 * 1_000).rounded()) == journalEvent.time.milliseconds, "\(op)")
            #expect((event["eventTime"] as? String)?.hasSuffix("Z") == true)
            #expect((event["bizLocation"] as? [String: String])?["id"] == "https://id.gs1.org/414/\(EPCISStore.gln)")
            #expect((event["readPoint"] as? [String: String])?["id"] == "https://id.gs1.org/414/\(EPCISStore.gln)/254/tills")
        }
        // Campaign, receipt and the plain line; the void names what it undid.
        #expect(events[2]["storegate:campaign"] as? String == "CNY-2027")
        #expect(events[3]["storegate:voidedOperation"] as? String == "redeem")
        #expect(events[3]["storegate:voidedSeq"] as? Int == Int(exported[2].seq))
        #expect(events[5]["storegate:receipt"] as? String == "R-1")
        let quantities = try #require(events[5]["quantityList"] as? [[String: Any]])
        #expect(quantities.count == 1)
        #expect(quantities.first?["epcClass"] as? String == "https://id.gs1.org/01/04006381333931")
        #expect(quantities.first?["quantity"] as? Int == 3)
        #expect(events[6]["quantityList"] == nil)

        try EPCISSchema.validate(data)
    }

    @Test func thePeriodIsFromInclusiveToExclusive() throws {
        let store = try EPCISStore()
        defer { store.remove() }
        try store.register(["U1", "U2"])
        #expect(try store.operate("receive", EPCISStore.unit("U1")) == 0)
        #expect(try store.operate("receive", EPCISStore.unit("U2")) == 0)
        let journal = try store.journal()
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        func exported(from: Int64, to: Int64) throws -> [String] {
            let result = try store.export(["--from", iso.string(from: Date(timeIntervalSince1970: Double(from) / 1_000)),
                                           "--to", iso.string(from: Date(timeIntervalSince1970: Double(to) / 1_000))])
            #expect(result.status == 0, "\(result.stderr)")
            let document = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            let events = (document?["epcisBody"] as? [String: Any])?["eventList"] as? [[String: Any]] ?? []
            return events.compactMap { $0["eventID"] as? String }
        }
        let first = journal[0].time.milliseconds
        let second = journal[1].time.milliseconds
        #expect(try exported(from: first, to: second + 1).count == 2)
        #expect(try exported(from: first + 1, to: second + 1) == (first == second ? [] : ["urn:uuid:\(journal[1].eventID.lowercased())"]))
        #expect(try exported(from: first - 1, to: first) == [])
        // An empty period is still a valid document.
        let empty = try store.export(["--from", "2001-01-01T00:00:00Z", "--to", "2001-01-02T00:00:00+08:00"])
        #expect(empty.status == 0)
        try EPCISSchema.validate(Data(empty.stdout.utf8))
    }

    /// The validator can fail: the same export, broken in ways the schema forbids, is rejected each time.
    @Test func theSchemaCheckRejectsBrokenDocuments() throws {
        let store = try EPCISStore()
        defer { store.remove() }
        try Self.storeDay(store)
        let (data, _) = try Self.exportDay(store)
        try EPCISSchema.validate(data)
        let text = String(decoding: data, as: UTF8.self)
        let breakages: [(String, String, String)] = [
            ("an action EPCIS does not have", #""action" : "OBSERVE""#, #""action" : "MOVE""#),
            ("a bizStep neither CBV's nor a URI", #""bizStep" : "receiving""#, #""bizStep" : "receipt""#),
            ("an eventID that is not a URI", #""eventID" : "urn:uuid:"#, #""eventID" : "not a uri "#),
            ("an offset beyond +14:00", #""eventTimeZoneOffset" : "+08:00""#, #""eventTimeZoneOffset" : "+15:00""#),
            ("no eventTimeZoneOffset", #""eventTimeZoneOffset" : "+08:00","#, ""),
            ("another schemaVersion form", #""schemaVersion" : "2.0""#, #""schemaVersion" : "two""#),
            ("an unprefixed property", #""storegate:lane""#, #""storegate lane""#),
        ]
        for (what, original, broken) in breakages {
            #expect(text.contains(original), "\(what): the export has no \(original)")
            let document = Data(text.replacingOccurrences(of: original, with: broken).utf8)
            #expect(throws: EPCISSchema.Violation.self, "\(what)") { try EPCISSchema.validate(document) }
        }
    }
}
