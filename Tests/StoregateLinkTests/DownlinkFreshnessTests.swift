import Foundation
import Logging
import StoregateContract
import StoregateCore
import StoregateFoundation
import StoregateLedger
import StoregateLink
import StoregateTesting
import Testing

/// A signed downlink message is only good while it is fresh: one withheld and delivered later is refused
/// (`expired`) and is no sync. Every message that is applied leaves a `downlink` event in the journal.
@Suite(.serialized)
struct DownlinkFreshnessTests {
    static let code = "01/09506000134352/21/A1"
    static let hour: Int64 = 3_600_000

    @Test func aWithheldMessageIsRefusedAsExpiredChangesNothingAndIsNoSync() async throws {
        let broker = try Broker()
        defer { broker.stop() }
        let fixture = try LedgerFixture()
        defer { fixture.directory.remove() }
        let sender = try DownlinkSender(port: broker.port)
        let harness = try await sender.gateway(fixture, broker: broker, codes: [Self.code])
        let journalBefore = try fixture.ledger.journal(limit: 1_000).count

        // Signed by HQ eight days ago (the default maximum age is a week), delivered only now.
        let withheld = try sender.revocation(seq: 1, code: Self.code, issuedMs: Timestamp.now.milliseconds - 8 * 24 * Self.hour)
        try await sender.publish(withheld)
        try await waitUntil("a report") { !sender.received.isEmpty }
        await harness.stop()
        await sender.stop()
        let report = try #require(sender.received.first)
        #expect(report.outcome == .rejected)
        #expect(report.problem == .expired, "\(report.reason)")
        #expect(report.reason.contains("192 h old") && report.reason.contains("downlink.max_age_hours (168)"), "\(report.reason)")
        #expect(try fixture.ledger.record(codeID: Self.code)?.state == .issued)
        #expect(try fixture.ledger.downlinkStream("revocations:S1") == nil, "the stream did not advance: HQ may send it again, fresh")
        #expect(try fixture.ledger.lastDownlinkSync() == nil, "an expired message is no sync")
        #expect(harness.link.status?.lastDownlinkSyncMs == nil)
        #expect(try fixture.ledger.journal(limit: 1_000).count == journalBefore, "nothing journaled")
    }

    func processor(_ fixture: LedgerFixture, maximumAgeHours: Int64 = 168) -> DownlinkProcessor {
        DownlinkProcessor(ledger: fixture.ledger, storeID: "S1", logger: Logger(label: "test"), scratchDirectory: fixture.directory.path,
                          maximumAgeMilliseconds: maximumAgeHours * Self.hour)
    }

    func message(_ kind: String, seq: Int64, issuedMs: Int64 = Timestamp.now.milliseconds, _ fill: (inout DownlinkBody) -> Void) -> DownlinkMessage {
        var body = DownlinkBody()
        fill(&body)
        return DownlinkMessage(kind: kind, target: "S1", seq: seq, issuedMs: issuedMs, body: body)
    }

    @Test func aMessageFromTheFutureAppliesButAStoreClockBehindDoesNotMakeAWithheldMessageFresh() throws {
        let fixture = try LedgerFixture()
        defer { fixture.directory.remove() }
        try fixture.register(ids: [Self.code, "01/09506000134352/21/A2"])
        let signer = DownlinkSigner.generate(keyID: "hq-dl-1")
        try fixture.ledger.addDownlinkKey(keyID: "hq-dl-1", publicKey: signer.publicKeyText, at: .testNow)
        let processor = self.processor(fixture, maximumAgeHours: 24)
        let topic = TopicScheme.storeDownlink(storeID: "S1", kind: "revocations")
        let now = Timestamp.now.milliseconds

        // The store's clock is ten days behind HQ's: HQ's message looks ten days ahead, and is applied.
        let ahead = self.message("revocations", seq: 1, issuedMs: now + 240 * Self.hour) { $0.revocations = [.init(code: Self.code, reason: "r")] }
        #expect(try processor.process(topic: topic, payload: try signer.envelope(for: ahead)).outcome == .applied)
        // A message HQ signed two days before that one is two days old by HQ's clock, though "eight days ahead" by
        // the store's: expired.
        let withheld = self.message("revocations", seq: 2, issuedMs: now + 192 * Self.hour) {
            $0.revocations = [.init(code: "01/09506000134352/21/A2", reason: "r")]
        }
        let report = try processor.process(topic: topic, payload: try signer.envelope(for: withheld))
        #expect(report.problem == .expired, "\(report.reason)")
        #expect(report.reason.contains("the newest message HQ sent this store"), "\(report.reason)")
        #expect(try fixture.ledger.record(codeID: "01/09506000134352/21/A2")?.state == .issued)
        #expect(try fixture.ledger.downlinkStream("revocations:S1")?.seq == 1)
    }

    @Test func everyAppliedMessageIsJournaledWithWhatChangedAndItsEventsMatchTheSchema() throws {
        let fixture = try LedgerFixture()
        defer { fixture.directory.remove() }
        try fixture.register(ids: [Self.code])
        let signer = DownlinkSigner.generate(keyID: "hq-dl-1")
        let codeKey = DownlinkSigner.generate(keyID: "code-2027")
        try fixture.ledger.addDownlinkKey(keyID: "hq-dl-1", publicKey: signer.publicKeyText, at: .testNow)
        let processor = self.processor(fixture)
        let messages = [
            self.message("revocations", seq: 1) { $0.revocations = [.init(code: Self.code, reason: "stolen shipment")] },
            self.message("policy", seq: 1) {
                $0.allowProvisional = true
                $0.campaigns = [.init(name: "summer", startsMs: 0, endsMs: 10_000_000_000_000)]
            },
            self.message("keys", seq: 1) { $0.codeKeys = .init(add: [.init(keyId: "code-2027", publicKey: codeKey.publicKeyText)]) },
            self.message("codes", seq: 1) { $0.codes = [.init(code: "01/09506000134352/21/NEW1"), .init(code: Self.code)] },
            self.message("sync", seq: 1) { _ in },
            self.message("commands", seq: 1) { $0.command = "publish_status" },
        ]
        let before = try fixture.ledger.journal(limit: 1_000).count
        for message in messages {
            let topic = TopicScheme.storeDownlink(storeID: "S1", kind: message.kind)
            #expect(try processor.process(topic: topic, payload: try signer.envelope(for: message)).outcome == .applied, "\(message.kind)")
        }
        // A rejected message (a replay) and a duplicate add nothing.
        _ = try processor.process(topic: TopicScheme.storeDownlink(storeID: "S1", kind: "sync"), payload: try signer.envelope(for: messages[4]))
        let events = try fixture.ledger.journal(limit: 1_000).dropFirst(before)
        #expect(events.count == messages.count)
        #expect(events.allSatisfy { $0.operation == .downlink && $0.result == .accepted && $0.codeID == nil })
        let details = events.map(\.details)
        #expect(details[0].contains(#""revocations":[{"code":"01/09506000134352/21/A1","reason":"stolen shipment"}]"#), "\(details[0])")
        #expect(details[1].contains(#""allow_provisional":true"#) && details[1].contains(#""name":"summer""#), "\(details[1])")
        #expect(details[2].contains(#""code_keys":{"add":[{"key_id":"code-2027""#), "\(details[2])")
        #expect(details[3].contains(#""codes":2,"codes_registered":1"#), "\(details[3])")
        #expect(details.allSatisfy { $0.contains(#""key_id":"hq-dl-1""#) })
        #expect(events.map(\.reason).first?.contains("1 code revoked") == true)
        try ContractSchemaTests.validate(events.map { ("event", $0.canonicalPayload) })
        // What HQ's counts and `storegate hq tail` make of it: no sale, unit or redemption.
        var tally = SalesTally()
        for event in events { tally.add(try EventPayload.decode(Array(event.canonicalPayload.utf8))) }
        #expect(tally.isEmpty)
    }
}
