import StoregateCore
@testable import StoregateLedger
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

    @Test func aKeyAddedByAnotherProcessIsSeenByTheNextOperation() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        #expect(try fixture.ledger.currentTrustedKeys().keyIDs == [])
        // Another process (here: another connection) trusts a key next to the running gateway.
        let other = try Ledger(path: fixture.path)
        try other.addTrustedKey(keyID: "hq1", publicKey: self.key.publicKeyText, at: .testNow)
        #expect(try fixture.ledger.currentTrustedKeys().keyIDs == ["hq1"])
        try other.retireTrustedKey(keyID: "hq1", at: .testNow)
        #expect(try fixture.ledger.currentTrustedKeys().keyIDs == [])
    }

    @Test func theRingIsBuiltOnceAndAgainOnlyAfterAChange() throws {
        let cache = DataVersionCache<TrustedKeys>()
        var loads = 0
        func keys(dataVersion: Int64) throws -> TrustedKeys {
            try cache.value(dataVersion: dataVersion) {
                loads += 1
                return TrustedKeys()
            }
        }
        _ = try keys(dataVersion: 1)
        _ = try keys(dataVersion: 1)
        #expect(loads == 1, "nothing changed: from memory")
        cache.invalidate()
        _ = try keys(dataVersion: 1)
        #expect(loads == 2, "a key written through this process")
        _ = try keys(dataVersion: 2)
        #expect(loads == 3, "another process committed")
        _ = try keys(dataVersion: 2)
        #expect(loads == 3)
    }
}
