import Foundation
import StoregateTesting
import Testing

/// `storegate api token add|list|revoke` through the real binary.
@Suite struct APITokenCommandTests {
    @Test func aTokenIsPrintedOnceListedWithoutItsSecretAndRevokedOnce() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.file("ledger.sqlite")
        #expect(try StoregateCommand.run(["ledger", "init", "--db", db, "--store-id", "S1", "--region", "EU-DE"]).status == 0)

        let added = try StoregateCommand.run(["api", "token", "add", "--db", db, "--till", "T3", "--scopes", "sell,redeem,verify",
                                              "--operator", "mei"])
        #expect(added.status == 0, "\(added.stderr)")
        let token = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix("sgt_"))
        #expect(added.stderr.contains("only time the token is shown"))
        let tokenID = String(token.dropFirst(4).prefix { $0 != "_" })

        let listed = try StoregateCommand.run(["api", "token", "list", "--db", db, "--json"])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.json?["token_id"] as? String == tokenID)
        #expect(listed.json?["till"] as? String == "T3")
        #expect(listed.json?["operator"] as? String == "mei")
        #expect(listed.json?["scopes"] as? [String] == ["verify", "sell", "redeem"])
        #expect(listed.json?["revoked_ms"] == nil)
        #expect(!listed.stdout.contains(String(token.dropFirst(4 + tokenID.count + 1))))

        #expect(try StoregateCommand.run(["api", "token", "revoke", "--db", db, tokenID]).status == 0)
        let again = try StoregateCommand.run(["api", "token", "revoke", "--db", db, tokenID])
        #expect(again.status == 2)
        #expect(again.stderr.contains("already revoked"))
        let unknown = try StoregateCommand.run(["api", "token", "revoke", "--db", db, "feedfacefeedface"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no API token feedfacefeedface"))
        #expect(try StoregateCommand.run(["api", "token", "list", "--db", db]).stdout.contains("revoked"))
    }

    @Test func anUnknownScopeIsRefusedListingTheValidOnes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.file("ledger.sqlite")
        #expect(try StoregateCommand.run(["ledger", "init", "--db", db, "--store-id", "S1", "--region", "EU-DE"]).status == 0)
        let refused = try StoregateCommand.run(["api", "token", "add", "--db", db, "--till", "1", "--scopes", "sell,refund"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("refund is not a scope; use one or more of verify, receive, sell, return, redeem, void, read"))
        #expect(try StoregateCommand.run(["api", "token", "list", "--db", db]).stdout.isEmpty)
    }
}
