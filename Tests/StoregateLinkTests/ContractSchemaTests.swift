import Foundation
import StoregateContract
import StoregateCore
import StoregateFoundation
import StoregateLedger
import StoregateMQTTClient
import StoregateTesting
import Testing
import StoregateLink
import StoregateTrust

/// Real messages, captured from a real broker, validate against the versioned JSON Schemas of docs/schemas
/// (python3's `jsonschema`, Draft 2020-12).
@Suite(.serialized)
struct ContractSchemaTests {
    static let schemas = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/schemas").path

    @Test func publishedMessagesMatchTheirSchemas() async throws {
        let broker = try Broker()
        defer { broker.stop() }
        let fixture = try LedgerFixture()
        defer { fixture.directory.remove() }
        let signer = DownlinkSigner.generate(keyID: "hq-dl-1")
        try fixture.ledger.addDownlinkKey(keyID: "hq-dl-1", publicKey: signer.publicKeyText, at: .testNow)
        try fixture.register(ids: ["01/09506000134352/21/A1"])
        let subscriber = try TestSubscriber(port: broker.port, filter: TopicScheme.fleetFilterAllKinds)
        try await subscriber.waitUntilSubscribed()
        try fixture.produce(6)
        try fixture.apply(.redeem, .malformed())
        // A basket (unit, plain and reward lines), a return and the summary of them all.
        try fixture.register(ids: ["01/09506000134352/21/B1", "01/09506000134352/21/B2"])
        let context = DecisionContext.test()
        let basket = try fixture.ledger.applySale(SaleBasket(receipt: "R1", currency: "CNY", lines: [
            SaleLine(kind: .unit, code: .unit(serial: "B1"), unitPrice: 600),
            SaleLine(kind: .plain, gtin: "04006381333931", quantity: 3, unitPrice: 250, discount: 50),
            SaleLine(kind: .reward, code: .unit(serial: "B2"), gtin: "09506000134352"),
        ], context: context))
        #expect(basket.accepted)
        _ = try fixture.ledger.applyReturn(SaleReturn(returnID: "RT1", receipt: "R1", items: [.line(2, quantity: 1)], context: context))
        let summary = try fixture.ledger.writeSalesSummary(periodEnd: .testNow, at: .testNow) { range in
            var tally = SalesTally()
            try range.forEachAcceptedPayload(of: SalesTally.countedOperations) { tally.add(try EventPayload.decode($0)) }
            return tally.summaryJSON(periodStartMs: range.periodStartMs, periodEndMs: range.periodEndMs, firstSeq: range.firstSeq,
                                     lastSeq: range.lastSeq)
        }
        #expect(summary != nil)
        var diskConfiguration = DiskGuardConfiguration()
        diskConfiguration.reserveBytes = 1 << 20
        let disk = DiskGuard(ledger: fixture.ledger, configuration: diskConfiguration)
        disk.maintain()
        let harness = try LinkHarness(fixture: fixture, port: broker.port, configure: { $0.heartbeatIntervalMilliseconds = 100 }, downlink: true,
                                      disk: disk)
        try await waitUntil("delivered") { harness.undelivered == 0 }

        var body = DownlinkBody()
        body.revocations = [.init(code: "01/09506000134352/21/A1", reason: "recalled")]
        let message = DownlinkMessage(kind: "revocations", target: "S1", seq: 1, issuedMs: Timestamp.now.milliseconds, body: body)
        let envelope = try signer.envelope(for: message)
        let publisher = try MQTTClient(options: MQTTConnectionOptions(host: "127.0.0.1", port: broker.port, clientID: "test-hq-pub"))
        publisher.start()
        for await event in publisher.events {
            if case .connected = event { try publisher.publish(topic: TopicScheme.storeDownlink(storeID: "S1", kind: "revocations"), payload: envelope) }
            if case .acknowledged = event { break }
        }
        await publisher.shutdown()
        try await waitUntil("report and heartbeat") {
            let topics = Set(subscriber.messages.map { $0.topic.split(separator: "/").last.map(String.init) ?? "" })
            return topics.isSuperset(of: ["events", "status", "heartbeat", "downlink"])
                && Set(subscriber.events.map(\.seq)).count == 12
        }
        await harness.stop()
        await subscriber.stop()

        // The heartbeat's head: signed with the key the status names, the journal's own hash at that seq.
        let statusKey = try #require(subscriber.messages.filter { $0.topic.hasSuffix("/status") }
            .compactMap { try? HQJSON.decode(GatewayStatus.self, from: $0.payload) }.last?.gatewayKey)
        #expect(statusKey == (try fixture.ledger.gatewaySigningKey().publicKeyText))
        let beat = try HQJSON.decode(GatewayHeartbeat.self, from: try #require(subscriber.messages.last { $0.topic.hasSuffix("/heartbeat") }).payload)
        let head = try #require(beat.head)
        #expect(head.isSigned(by: statusKey, storeId: "S1", gatewayId: try fixture.ledger.gatewayID(), timeMs: beat.timeMs))
        #expect(!head.isSigned(by: statusKey, storeId: "S1", gatewayId: try fixture.ledger.gatewayID(), timeMs: beat.timeMs + 1))
        #expect(head.hash == Hex.encode(try #require(try fixture.ledger.journal().first { $0.seq == head.seq }).hash))
        // Delivered through the head when that heartbeat saw no backlog; below it otherwise (the heartbeat may be an
        // early one, sent before the drain).
        #expect(head.seq >= 1 && head.deliveredThroughSeq <= head.seq)
        #expect(beat.backlog > 0 || head.deliveredThroughSeq == head.seq, "\(beat)")

        var documents: [(schema: String, json: String)] = subscriber.messages.compactMap { message in
            let kind = message.topic.split(separator: "/").last.map(String.init) ?? ""
            let schema = ["events": "event", "status": "status", "heartbeat": "heartbeat", "downlink": "downlink-report"][kind]
            return schema.map { ($0, String(decoding: message.payload, as: UTF8.self)) }
        }
        #expect(documents.contains { $0.schema == "status" && $0.json.contains("\"reserve_held\":true") }, "status carries the disk")
        // The disk part after a full disk released the reserve (every optional field present).
        var released = try #require(harness.link.status)
        released.disk = DiskStatus(freeBytes: 0, lowSpace: true, reserveBytes: 1 << 20, reserveHeld: false,
                                   reserveReleasedMs: 1_772_366_400_000, verifiesNotJournaled: 3)
        documents.append(("status", String(decoding: try HQJSON.encode(released), as: UTF8.self)))
        documents.append(("downlink-envelope", String(decoding: envelope, as: UTF8.self)))
        documents.append(("downlink-message", String(decoding: try HQJSON.encode(message), as: UTF8.self)))
        #expect(documents.filter { $0.schema == "event" }.count == 12)
        for op in ["sale", "return", "sales_summary", "downlink"] {
            #expect(documents.contains { $0.schema == "event" && $0.json.contains(#""op":"\#(op)""#) }, "\(op)")
        }
        try Self.validate(documents)
    }

    /// What HQ reads off each message's topic: a gateway's four topics and nothing else.
    @Test func gatewayTopicsAreParsedStrictly() {
        let status = GatewayTopic(topic: "storegate/v1/S001/g1/status")
        #expect(status?.storeID == "S001" && status?.gatewayID == "g1" && status?.kind == .status)
        #expect(GatewayTopic(topic: "storegate/v1/商店7/lane-2/events")?.storeID == "商店7")
        for topic in ["storegate/v1/S001/g1", "storegate/v1/S001/g1/events/x", "storegate/v2/S001/g1/events",
                      "storegate/v1/hq/g1/events", "storegate/v1//g1/events", "storegate/v1/S001/g1/Events",
                      "xstoregate/v1/S001/g1/events", "storegate/v1S001/g1/events", ""] {
            #expect(GatewayTopic(topic: topic) == nil, "\(topic)")
        }
    }

    /// HQ's UUID parse agrees with Foundation's on well-formed ids of either case and on broken ones.
    @Test func canonicalUUIDsParseAsFoundationParsesThem() {
        var texts = (0..<200).map { _ in UUID().uuidString }
        texts += texts.map { $0.lowercased() }
        texts += ["", "0192f5a0-7c1e-7000-8000-00000000000", "0192f5a0-7c1e-7000-8000-0000000000000",
                  "0192f5a07c1e-7000-8000-000000000000-", "0192f5a0-7c1e-7000-8000-00000000000g",
                  "0192f5a0_7c1e_7000_8000_000000000000", "{0192f5a0-7c1e-7000-8000-000000000000}",
                  "0192f5a0-7c1e-7000-8000-00000000000\u{e9}", "0192f5a0-7c1e-7000-8000-0000000000０"]
        for text in texts {
            #expect(UUID(canonical: text) == UUID(uuidString: text), "\(text)")
        }
    }

    @Test func schemaCheckCatchesAnEventWithoutItsSequence() throws {
        #expect(throws: (any Error).self) {
            try Self.validate([("event", #"{"v":1,"event_id":"x"}"#)])
        }
    }

    @Test func schemaCheckCatchesABasketWhosePriceIsNotAnInteger() throws {
        let event = #"{"v":1,"seq":2,"event_id":"01890a5d-ac96-774b-bcce-b302099a8057","op":"sale","result":"accepted","reason":"r","lane":"1","operator":"o","role":"checkout","time_ms":1,"provisional":false,"details":{"receipt":"R","total":350,"units":1,"lines":[{"line":1,"type":"plain","gtin":"04006381333931","quantity":1,"unit_price":3.5,"amount":350,"reason":"ok"}]},"prev_hash":"\#(String(repeating: "0", count: 64))"}"#
        #expect(throws: (any Error).self) { try Self.validate([("event", event)]) }
        try Self.validate([("event", event.replacingOccurrences(of: #""unit_price":3.5"#, with: #""unit_price":350"#))])
    }

    static func validate(_ documents: [(schema: String, json: String)]) throws {
        let directory = try TemporaryDirectory(prefix: "storegate-schema")
        defer { directory.remove() }
        var lines = ""
        for document in documents {
            let object: [String: Any] = ["schema": "\(Self.schemas)/\(document.schema).v1.json", "document": document.json]
            lines += String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self) + "\n"
        }
        try lines.write(toFile: directory.file("documents.jsonl"), atomically: true, encoding: .utf8)
        try """
            import json, sys, jsonschema
            bad = 0
            for line in open(sys.argv[1]):
                item = json.loads(line)
                schema = json.load(open(item["schema"]))
                jsonschema.Draft202012Validator.check_schema(schema)
                errors = list(jsonschema.Draft202012Validator(schema).iter_errors(json.loads(item["document"])))
                for error in errors:
                    print(item["schema"].split("/")[-1], error.message, file=sys.stderr)
                bad += bool(errors)
            sys.exit(1 if bad else 0)
            """.write(toFile: directory.file("check.py"), atomically: true, encoding: .utf8)
        let errors = directory.file("errors.txt")
        let process = try ChildProcess(executable: "python3", arguments: [directory.file("check.py"), directory.file("documents.jsonl")], stderrFile: errors)
        let status = process.wait(seconds: 60)
        guard status == 0 else {
            throw SchemaViolation(details: (try? String(contentsOfFile: errors, encoding: .utf8)) ?? "exit \(status ?? -1)")
        }
    }

    struct SchemaViolation: Error, CustomStringConvertible {
        var details: String
        var description: String { "schema violations:\n\(self.details)" }
    }
}
