import Foundation
import Logging
import StoregateContract
import StoregateCore
import StoregateFoundation
import StoregateLedger
import StoregateLink
import StoregateTesting
import Testing

/// Only messages HQ signed with a trusted downlink key, for this store, change the ledger — each once.
struct DownlinkTests {
    let signer = DownlinkSigner.generate(keyID: "hq-dl-1")
    let topic = TopicScheme.storeDownlink(storeID: "S1", kind: "revocations")

    func setUp() throws -> (LedgerFixture, DownlinkProcessor) {
        let fixture = try LedgerFixture()
        try fixture.register(ids: ["01/09506000134352/21/A1", "01/09506000134352/21/A2"])
        try fixture.ledger.addDownlinkKey(keyID: "hq-dl-1", publicKey: self.signer.publicKeyText, at: .testNow)
        let processor = DownlinkProcessor(ledger: fixture.ledger, storeID: "S1", logger: Logger(label: "test"),
                                          scratchDirectory: fixture.directory.path)
        return (fixture, processor)
    }

    func revocation(seq: Int64, code: String = "01/09506000134352/21/A1", target: String = "S1") -> DownlinkMessage {
        var body = DownlinkBody()
        body.revocations = [.init(code: code, reason: "stolen shipment")]
        return DownlinkMessage(kind: "revocations", target: target, seq: seq, issuedMs: Timestamp.now.milliseconds, body: body)
    }

    func state(_ fixture: LedgerFixture, _ id: String) throws -> CodeState? {
        try fixture.ledger.record(codeID: id)?.state
    }

    @Test func validSignedRevocationIsAppliedOnceAndItsRedeliveryIsAHarmlessDuplicate() throws {
        let (fixture, processor) = try self.setUp()
        defer { fixture.directory.remove() }
        let bytes = try self.signer.envelope(for: self.revocation(seq: 1))
        #expect(try processor.process(topic: self.topic, payload: bytes).outcome == .applied)
        #expect(try self.state(fixture, "01/09506000134352/21/A1") == .revoked)
        #expect(try fixture.ledger.downlinkStream("revocations:S1")?.seq == 1)
        #expect(try fixture.ledger.lastDownlinkSync() != nil)
        let again = try processor.process(topic: self.topic, payload: bytes)
        #expect(again.outcome == .duplicate)
    }

    @Test func replayedOlderMessageIsRejected() throws {
        let (fixture, processor) = try self.setUp()
        defer { fixture.directory.remove() }
        #expect(try processor.process(topic: self.topic, payload: try self.signer.envelope(for: self.revocation(seq: 5))).outcome == .applied)
        let old = try processor.process(topic: self.topic, payload: try self.signer.envelope(for: self.revocation(seq: 4, code: "01/09506000134352/21/A2")))
        #expect(old.outcome == .rejected)
        #expect(old.problem == .replayed)
        #expect(try self.state(fixture, "01/09506000134352/21/A2") == .issued)
    }

    @Test(arguments: ["tampered", "unsigned", "wrong key", "malformed", "wrong store", "wrong topic kind", "bad base64"])
    func badMessagesAreRejectedAndChangeNothing(_ kind: String) throws {
        let (fixture, processor) = try self.setUp()
        defer { fixture.directory.remove() }
        let good = try self.signer.envelope(for: self.revocation(seq: 1))
        var envelope = try HQJSON.decode(DownlinkEnvelope.self, from: good)
        var topic = self.topic
        let expected: DownlinkReport.Problem
        var payload: [UInt8]
        switch kind {
        case "tampered":
            let inner = String(decoding: try HQJSON.encode(self.revocation(seq: 1, code: "01/09506000134352/21/A2")), as: UTF8.self)
            envelope.payload = Data(inner.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            payload = try HQJSON.encode(envelope)
            expected = .badSignature
        case "unsigned":
            payload = Array(#"{"v":1,"payload":"e30"}"#.utf8)
            expected = .unsigned
        case "wrong key":
            payload = try DownlinkSigner.generate(keyID: "hq-dl-1").envelope(for: self.revocation(seq: 1))
            expected = .badSignature
        case "malformed":
            payload = Array("{not json".utf8)
            expected = .malformed
        case "wrong store":
            payload = try self.signer.envelope(for: self.revocation(seq: 1, target: "S2"))
            expected = .wrongTopic
        case "wrong topic kind":
            topic = TopicScheme.storeDownlink(storeID: "S1", kind: "policy")
            payload = good
            expected = .wrongTopic
        default:
            envelope.sig = "***"
            payload = try HQJSON.encode(envelope)
            expected = .malformed
        }
        let report = try processor.process(topic: topic, payload: payload)
        #expect(report.outcome == .rejected)
        #expect(report.problem == expected, "\(report.reason)")
        #expect(try self.state(fixture, "01/09506000134352/21/A1") == .issued)
        #expect(try fixture.ledger.downlinkStream("revocations:S1") == nil)
    }

    @Test func unknownKeyIdIsRejected() throws {
        let (fixture, processor) = try self.setUp()
        defer { fixture.directory.remove() }
        let other = DownlinkSigner.generate(keyID: "hq-dl-9")
        let report = try processor.process(topic: self.topic, payload: try other.envelope(for: self.revocation(seq: 1)))
        #expect(report.problem == .unknownKey)
    }

    @Test func signedPolicyAndCodeBatchAreApplied() throws {
        let (fixture, processor) = try self.setUp()
        defer { fixture.directory.remove() }
        var policy = DownlinkBody()
        policy.allowProvisional = true
        policy.maxTimeWithoutSyncMs = 72 * 3_600_000
        policy.campaigns = [.init(name: "summer", startsMs: 0, endsMs: 10_000_000_000_000, soldHereFirst: true)]
        let policyMessage = DownlinkMessage(kind: "policy", target: "*", seq: 1, issuedMs: Timestamp.now.milliseconds, body: policy)
        #expect(try processor.process(topic: TopicScheme.broadcastDownlink(kind: "policy"), payload: try self.signer.envelope(for: policyMessage)).outcome == .applied)
        #expect(try fixture.ledger.policy().allowProvisional)
        #expect(try fixture.ledger.policy().campaigns["summer"]?.soldHereFirst == true)
        #expect(try fixture.ledger.maxTimeWithoutSync() == 72 * 3_600_000)

        var codes = DownlinkBody()
        codes.codes = [.init(code: "01/09506000134352/21/NEW1", product: "lemonade", campaign: "summer", regions: ["EU-DE"])]
        let batch = DownlinkMessage(kind: "codes", target: "S1", seq: 1, issuedMs: Timestamp.now.milliseconds, body: codes)
        #expect(try processor.process(topic: TopicScheme.storeDownlink(storeID: "S1", kind: "codes"), payload: try self.signer.envelope(for: batch)).outcome == .applied)
        #expect(try self.state(fixture, "01/09506000134352/21/NEW1") == .issued)
    }
}
