import StoregateCore
import StoregateLedger
import StoregateTesting
import StoregateTrust
import Testing

/// The key ring every operation checks signatures with is cached, and follows every way the keys can change.
@Suite struct TrustedKeysCacheTests {
    let key = CodeSigningKey.generate(keyID: "hq1")
    let id = "01/09506000134352/21/CACHED1"

    var signed: ParsedCode { ParsedCode.unit(serial: "CACHED1").signed(self.key.sign(id: self.id)) }

    @Test func aKeyAddedThroughTheLedgerIsTrustedAtOnce() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        #expect(try fixture.ledger.currentTrustedKeys().check(self.signed) != .valid(keyID: "hq1"))
        try fixture.ledger.addTrustedKey(keyID: "hq1", publicKey: self.key.publicKeyText, at: .testNow)
        #expect(try fixture.ledger.currentTrustedKeys().check(self.signed) == .valid(keyID: "hq1"))
    }

    @Test func aKeyRetiredByADownlinkKeysMessageIsDroppedAtOnce() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        try fixture.ledger.addTrustedKey(keyID: "hq1", publicKey: self.key.publicKeyText, at: .testNow)
        #expect(try fixture.ledger.currentTrustedKeys().keyIDs == ["hq1"])
        var keys = DownlinkChange.Keys()
        keys.retireCodeKeys = ["hq1"]
        try fixture.ledger.applyDownlink(stream: "keys", seq: 1, payloadHash: "h", change: .keys(keys), at: .testNow)
        #expect(try fixture.ledger.currentTrustedKeys().keyIDs == [])
    }

    @Test func aKeyAddedByAnotherConnectionIsSeenOnceTheWriterNoticesItsCommit() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        try fixture.register(ids: ["01/09506000134352/21/OTHER1"])
        #expect(try fixture.ledger.currentTrustedKeys().keyIDs == [])
        // Another process (here: another connection) trusts a key next to the running gateway.
        let other = try Ledger(path: fixture.path)
        try other.addTrustedKey(keyID: "hq1", publicKey: self.key.publicKeyText, at: .testNow)
        // Until this ledger's writer runs a transaction, the ring comes from memory (the table already has the key).
        #expect(try fixture.ledger.currentTrustedKeys().keyIDs == [])
        #expect(try fixture.ledger.trustedKeys().keyIDs == ["hq1"])
        // The writer's next transaction sees the database changed under it and drops the cached ring.
        try fixture.apply(.verify, .unit(serial: "OTHER1"))
        #expect(try fixture.ledger.currentTrustedKeys().keyIDs == ["hq1"])
    }
}
