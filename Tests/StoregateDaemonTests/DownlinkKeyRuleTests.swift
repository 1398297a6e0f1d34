import Foundation
import Logging
import StoregateCore
import StoregateFoundation
import StoregateLedger
import StoregateContract
import StoregateLink
import StoregateTesting
import StoregateTrust
import Testing

/// HQ's signed `keys` messages rotate keys but can never lock a store out or swap a key behind a known id: the
/// key that signed a message and the last active downlink key stay, retirement is final, a key id names one key.
/// Each refused message changes nothing (not even its stream's sequence) and says why.
struct DownlinkKeyRuleTests {
    let first = DownlinkSigner.generate(keyID: "hq-dl-1")
    let second = DownlinkSigner.generate(keyID: "hq-dl-2")
    let topic = TopicScheme.storeDownlink(storeID: "S1", kind: "keys")

    /// A ledger trusting `first` only, and the processor the daemon runs over it.
    func setUp() throws -> (LedgerFixture, DownlinkProcessor) {
        let fixture = try LedgerFixture()
        try fixture.ledger.addDownlinkKey(keyID: self.first.keyID, publicKey: self.first.publicKeyText, at: .testNow)
        let processor = DownlinkProcessor(ledger: fixture.ledger, storeID: "S1", logger: Logger(label: "test"),
                                          scratchDirectory: fixture.directory.path)
        return (fixture, processor)
    }

    func keysMessage(seq: Int64, downlink: DownlinkBody.KeyChanges? = nil, code: DownlinkBody.KeyChanges? = nil) -> DownlinkMessage {
        var body = DownlinkBody()
        body.downlinkKeys = downlink
        body.codeKeys = code
        return DownlinkMessage(kind: "keys", target: "S1", seq: seq, issuedMs: Timestamp.now.milliseconds, body: body)
    }

    func send(_ processor: DownlinkProcessor, _ message: DownlinkMessage, signedBy signer: DownlinkSigner) throws -> DownlinkReport {
        try processor.process(topic: self.topic, payload: try signer.envelope(for: message))
    }

    func add(_ signer: DownlinkSigner) -> DownlinkBody.Key {
        DownlinkBody.Key(keyId: signer.keyID, publicKey: signer.publicKeyText)
    }

    func expectRefused(_ report: DownlinkReport, mentioning words: String, _ fixture: LedgerFixture,
                       keysBefore: [String: String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(report.outcome == .rejected, "\(report.reason)", sourceLocation: sourceLocation)
        #expect(report.problem == .invalidContent, sourceLocation: sourceLocation)
        #expect(report.reason.contains(words), "reason: \(report.reason)", sourceLocation: sourceLocation)
        #expect(try fixture.ledger.downlinkKeys() == keysBefore, "the keys did not change", sourceLocation: sourceLocation)
        #expect(try fixture.ledger.downlinkStream("keys:S1") == nil, "the stream did not advance", sourceLocation: sourceLocation)
    }

    @Test func aKeyCannotRetireItselfEvenWhenItAddsItsSuccessorInTheSameMessage() throws {
        let (fixture, processor) = try self.setUp()
        defer { fixture.remove() }
        let before = try fixture.ledger.downlinkKeys()
        let report = try self.send(processor, self.keysMessage(
            seq: 1, downlink: .init(add: [self.add(self.second)], retire: [self.first.keyID])), signedBy: self.first)
        try self.expectRefused(report, mentioning: "signed this message", fixture, keysBefore: before)
    }

    @Test func aMessageRetiringEveryDownlinkKeyIsRefused() throws {
        let (fixture, processor) = try self.setUp()
        defer { fixture.remove() }
        // Both keys trusted; a message signed by the second retires both: the second is its signer, and nothing
        // would be left to verify HQ's next message.
        #expect(try self.send(processor, self.keysMessage(seq: 1, downlink: .init(add: [self.add(self.second)])),
                              signedBy: self.first).outcome == .applied)
        let before = try fixture.ledger.downlinkKeys()
        let report = try self.send(processor, self.keysMessage(
            seq: 2, downlink: .init(retire: [self.first.keyID, self.second.keyID])), signedBy: self.second)
        #expect(report.outcome == .rejected)
        #expect(try fixture.ledger.downlinkKeys() == before)
        #expect(try fixture.ledger.downlinkStream("keys:S1")?.seq == 1)
    }

    @Test func rotationAddsTheSuccessorThenTheSuccessorRetiresItsPredecessorForGood() throws {
        let (fixture, processor) = try self.setUp()
        defer { fixture.remove() }
        #expect(try self.send(processor, self.keysMessage(seq: 1, downlink: .init(add: [self.add(self.second)])),
                              signedBy: self.first).outcome == .applied)
        #expect(try self.send(processor, self.keysMessage(seq: 2, downlink: .init(retire: [self.first.keyID])),
                              signedBy: self.second).outcome == .applied)
        #expect(try fixture.ledger.downlinkKeys() == [self.second.keyID: self.second.publicKeyText])

        // Named again by HQ's own add (a stale script, a stolen signing key's replay of an old add), the retired id
        // stays retired and the message is refused.
        let report = try self.send(processor, self.keysMessage(seq: 3, downlink: .init(add: [self.add(self.first)])),
                                   signedBy: self.second)
        #expect(report.outcome == .rejected)
        #expect(report.reason.contains("retired"), "reason: \(report.reason)")
        #expect(try fixture.ledger.downlinkKeys() == [self.second.keyID: self.second.publicKeyText])
        // A message signed by the retired key is no longer verified.
        let late = try self.send(processor, self.keysMessage(seq: 4, downlink: .init(add: [self.add(self.first)])), signedBy: self.first)
        #expect(late.problem == .unknownKey)
    }

    @Test func anAddCannotReplaceTheKeyBehindAKnownIDButTheSameKeyAgainIsANoOp() throws {
        let (fixture, processor) = try self.setUp()
        defer { fixture.remove() }
        let impostor = DownlinkSigner.generate(keyID: self.first.keyID)
        let before = try fixture.ledger.downlinkKeys()
        let report = try self.send(processor, self.keysMessage(seq: 1, downlink: .init(add: [self.add(impostor)])), signedBy: self.first)
        try self.expectRefused(report, mentioning: "different public key", fixture, keysBefore: before)

        let same = try self.send(processor, self.keysMessage(seq: 1, downlink: .init(add: [self.add(self.first)])), signedBy: self.first)
        #expect(same.outcome == .applied)
        #expect(try fixture.ledger.downlinkKeys() == before)
    }

    @Test func codeKeysFollowTheSameRulesButTheLastMayBeRetired() throws {
        let (fixture, processor) = try self.setUp()
        defer { fixture.remove() }
        let printer = CodeSigningKey.generate(keyID: "hq-code-1")
        let code = DownlinkBody.Key(keyId: printer.keyID, publicKey: printer.publicKeyText)
        #expect(try self.send(processor, self.keysMessage(seq: 1, code: .init(add: [code])), signedBy: self.first).outcome == .applied)

        let swapped = DownlinkBody.Key(keyId: printer.keyID, publicKey: CodeSigningKey.generate(keyID: "x").publicKeyText)
        let swap = try self.send(processor, self.keysMessage(seq: 2, code: .init(add: [swapped])), signedBy: self.first)
        #expect(swap.outcome == .rejected)
        #expect(swap.reason.contains("different public key"), "reason: \(swap.reason)")
        #expect(try fixture.ledger.trustedKeyList().map(\.publicKey) == [printer.publicKeyText])

        // A compromised printing line's only key can go at once: codes then need the registry, nothing is locked.
        #expect(try self.send(processor, self.keysMessage(seq: 2, code: .init(retire: [printer.keyID])), signedBy: self.first).outcome == .applied)
        let back = try self.send(processor, self.keysMessage(seq: 3, code: .init(add: [code])), signedBy: self.first)
        #expect(back.outcome == .rejected)
        #expect(back.reason.contains("retired"), "reason: \(back.reason)")
        #expect(try fixture.ledger.trustedKeyList().map(\.retired).allSatisfy { $0 != nil })
    }
}
