import Foundation
import StoregateCore
import StoregateLedger
import StoregateTesting
import StoregateTrust
import Testing

/// The POS API's till tokens in the ledger: issued once, stored as a hash, revoked for good, and every change seen by
/// the next authentication, whichever connection made it.
@Suite struct APITokenTests {
    @Test func anIssuedTokenAuthenticatesItsTillAndSurvivesAReopening() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let issued = try fixture.ledger.addAPIToken(till: "T3", operatorName: "mei", scopes: [.sell, .redeem], at: .testNow)
        #expect(issued.text.hasPrefix("sgt_\(issued.info.identity.tokenID)_"))
        let identity = try #require(try fixture.ledger.authenticate(apiToken: issued.text))
        #expect(identity == TillIdentity(tokenID: issued.info.identity.tokenID, till: "T3", tokenOperator: "mei", scopes: [.sell, .redeem]))
        try fixture.ledger.close()

        let reopened = try Ledger(path: fixture.path)
        #expect(try reopened.authenticate(apiToken: issued.text) == identity)
        #expect(try reopened.apiTokens().map(\.identity) == [identity])
    }

    @Test func onlyTheSecretsHashIsStored() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let issued = try fixture.ledger.addAPIToken(till: "1", operatorName: nil, scopes: [.read], at: .testNow)
        let secretText = Array(issued.text.split(separator: "_", maxSplits: 2)[2].utf8)
        let secret = try #require(Base64URL.decode(String(decoding: secretText, as: UTF8.self)))
        // The database file and its write-ahead log, where a fresh commit is.
        let stored = [fixture.path, fixture.path + "-wal"].compactMap { FileManager.default.contents(atPath: $0) }.map(Array.init)
        #expect(!stored.isEmpty)
        for bytes in stored {
            #expect(bytes.firstRange(of: secret) == nil)
            #expect(bytes.firstRange(of: secretText) == nil)
        }
    }

    @Test func malformedAndUnknownTokensAreNil() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let issued = try fixture.ledger.addAPIToken(till: "1", operatorName: nil, scopes: [.read], at: .testNow).text
        let id = issued.split(separator: "_")[1]
        for text in ["", "sgt_", "sgt__", "Bearer x", "sgt_\(id)", "sgt_\(id)_", "sgt_\(id)_!!!", "sgt_\(id)_AAAA",
                     issued + "A", String(issued.dropLast()), "sgt_ffffffffffffffff_" + issued.split(separator: "_", maxSplits: 2)[2]] {
            #expect(try fixture.ledger.authenticate(apiToken: text) == nil, "\(text)")
        }
        #expect(try fixture.ledger.authenticate(apiToken: issued) != nil)
    }

    @Test func aTokenRevokedByAnotherConnectionFailsAtOnceAndRevokingAgainIsAnError() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let issued = try fixture.ledger.addAPIToken(till: "2", operatorName: nil, scopes: [.verify], at: .testNow)
        #expect(try fixture.ledger.authenticate(apiToken: issued.text) != nil)
        let other = try Ledger(path: fixture.path)
        try other.revokeAPIToken(id: issued.info.identity.tokenID, at: .testNow)
        #expect(try fixture.ledger.authenticate(apiToken: issued.text) == nil)

        #expect(throws: LedgerError.self) { try fixture.ledger.revokeAPIToken(id: issued.info.identity.tokenID, at: .testNow) }
        #expect(throws: LedgerError.self) { try fixture.ledger.revokeAPIToken(id: "nope", at: .testNow) }
        #expect(try fixture.ledger.apiTokens().first?.revoked == .testNow)
    }

    @Test func aTokenAddedByAnotherConnectionIsAcceptedAtOnce() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        _ = try fixture.ledger.authenticate(apiToken: "sgt_x_y")  // caches the (empty) token table
        let issued = try Ledger(path: fixture.path).addAPIToken(till: "4", operatorName: nil, scopes: [.read], at: .testNow)
        #expect(try fixture.ledger.authenticate(apiToken: issued.text)?.till == "4")
    }

    @Test func scopesAreParsedStrictly() throws {
        #expect(try APIScope.parseList("sell, redeem,verify") == [.sell, .redeem, .verify])
        #expect(try APIScope.parseList("return,read") == [.return, .read])
        do {
            _ = try APIScope.parseList("sell,refund")
            Issue.record("refund is not a scope")
        } catch {
            #expect(error.message.contains("refund is not a scope"))
            #expect(error.message.contains(APIScope.names))
        }
    }

    @Test func tillAndOperatorAreCheckedAsTheyAreJournaled() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        #expect(throws: LedgerError.self) { try fixture.ledger.addAPIToken(till: "", operatorName: nil, scopes: [.read], at: .testNow) }
        #expect(throws: LedgerError.self) { try fixture.ledger.addAPIToken(till: "1\n2", operatorName: nil, scopes: [.read], at: .testNow) }
        #expect(throws: LedgerError.self) { try fixture.ledger.addAPIToken(till: "1", operatorName: "", scopes: [.read], at: .testNow) }
        #expect(throws: LedgerError.self) { try fixture.ledger.addAPIToken(till: "1", operatorName: nil, scopes: [], at: .testNow) }
        #expect(try fixture.ledger.apiTokens().isEmpty)
    }
}
