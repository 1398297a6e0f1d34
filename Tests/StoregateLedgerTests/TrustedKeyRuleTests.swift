import StoregateCore
import StoregateLedger
import StoregateTesting
import StoregateTrust
import Testing

/// Keys added by hand (`storegate ledger keys add`, `storegate hq trust`) obey the rules HQ's signed `keys`
/// messages do: a retired key id is never trusted again, and a key id names one public key forever.
struct TrustedKeyRuleTests {
    let key = CodeSigningKey.generate(keyID: "hq1")

    @Test func aRetiredCodeKeyAddedAgainStaysRetired() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        try fixture.ledger.addTrustedKey(keyID: "hq1", publicKey: self.key.publicKeyText, at: .testNow)
        #expect(try fixture.ledger.retireTrustedKey(keyID: "hq1", at: .testNow))
        #expect(throws: LedgerError.self) {
            try fixture.ledger.addTrustedKey(keyID: "hq1", publicKey: self.key.publicKeyText, at: .testNow)
        }
        #expect(try fixture.ledger.trustedKeys().check(
            ParsedCode.unit(serial: "S").signed(self.key.sign(id: "01/09506000134352/21/S"))) != .valid(keyID: "hq1"))
        #expect(try fixture.ledger.trustedKeyList().first?.retired != nil)
    }

    @Test func aCodeKeyIDCannotBeGivenAnotherPublicKeyButTheSameKeyAgainChangesNothing() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        try fixture.ledger.addTrustedKey(keyID: "hq1", publicKey: self.key.publicKeyText, at: .testNow)
        let other = CodeSigningKey.generate(keyID: "hq1")
        do {
            try fixture.ledger.addTrustedKey(keyID: "hq1", publicKey: other.publicKeyText, at: .testNow)
            Issue.record("a second public key for hq1 was accepted")
        } catch let error as LedgerError {
            #expect(error.message.contains("different public key"), "\(error.message)")
        }
        try fixture.ledger.addTrustedKey(keyID: "hq1", publicKey: self.key.publicKeyText, at: .testNow.adding(minutes: 5))
        let stored = try fixture.ledger.trustedKeyList()
        #expect(stored.map(\.publicKey) == [self.key.publicKeyText])
        #expect(stored.first?.added == .testNow, "the same key again is a no-op, not a re-add")
    }

    @Test func aDownlinkKeyAddedByHandFollowsTheSameRules() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let first = CodeSigningKey.generate(keyID: "hq-dl-1").publicKeyText
        let second = CodeSigningKey.generate(keyID: "hq-dl-2").publicKeyText
        try fixture.ledger.addDownlinkKey(keyID: "hq-dl-1", publicKey: first, at: .testNow)
        #expect(throws: LedgerError.self) { try fixture.ledger.addDownlinkKey(keyID: "hq-dl-1", publicKey: second, at: .testNow) }
        #expect(try fixture.ledger.downlinkKeys() == ["hq-dl-1": first])

        var rotation = DownlinkChange.Keys()
        rotation.addDownlinkKeys = ["hq-dl-2": second]
        try fixture.ledger.applyDownlink(stream: "keys:S1", seq: 1, payloadHash: "h1", change: .keys(rotation), at: .testNow)
        rotation = DownlinkChange.Keys()
        rotation.retireDownlinkKeys = ["hq-dl-1"]
        try fixture.ledger.applyDownlink(stream: "keys:S1", seq: 2, payloadHash: "h2", change: .keys(rotation), at: .testNow)
        #expect(throws: LedgerError.self) { try fixture.ledger.addDownlinkKey(keyID: "hq-dl-1", publicKey: first, at: .testNow) }
        #expect(try fixture.ledger.downlinkKeys() == ["hq-dl-2": second])
    }

    @Test func aKeysChangeThatWouldLeaveNoActiveDownlinkKeyIsRefusedWhole() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let first = CodeSigningKey.generate(keyID: "hq-dl-1").publicKeyText
        let code = CodeSigningKey.generate(keyID: "hq-code-1").publicKeyText
        try fixture.ledger.addDownlinkKey(keyID: "hq-dl-1", publicKey: first, at: .testNow)
        var change = DownlinkChange.Keys()
        change.addCodeKeys = ["hq-code-1": code]
        change.retireDownlinkKeys = ["hq-dl-1"]
        do {
            try fixture.ledger.applyDownlink(stream: "keys:S1", seq: 1, payloadHash: "h1", change: .keys(change), at: .testNow)
            Issue.record("the last downlink key was retired")
        } catch let error as LedgerError {
            #expect(error.message.contains("no active downlink key"), "\(error.message)")
        }
        #expect(try fixture.ledger.downlinkKeys() == ["hq-dl-1": first])
        #expect(try fixture.ledger.trustedKeyList().isEmpty, "the code key of the refused message was not added either")
        #expect(try fixture.ledger.downlinkStream("keys:S1") == nil)
    }
}
