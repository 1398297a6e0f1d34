import ArgumentParser
import StoregateCore
import StoregateFoundation
import StoregateLedger

/// `storegate api token add|list|revoke`: the tills' bearer tokens for the POS API (docs/api.md).
struct APICommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "api", abstract: "The POS API's tokens.",
                                                    subcommands: [Token.self])

    struct Token: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "token", abstract: "Issue, list and revoke the tills' API tokens.",
                                                        subcommands: [Add.self, List.self, Revoke.self])
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Issue a till a token; it is printed once.")
        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "The till (the lane its requests are journaled under).") var till: String
        @Option(help: "Comma-separated: \(APIScope.names).") var scopes: String
        @Option(name: .customLong("operator"), help: "The operator journaled for its requests (default till-<TILL>).") var operatorName: String?

        func run() throws {
            let issued: (text: String, info: APITokenInfo)
            do {
                let scopes = try APIScope.parseList(self.scopes)
                issued = try Ledger(path: self.ledger.db).addAPIToken(till: self.till, operatorName: self.operatorName, scopes: scopes, at: .now)
            } catch let error as LedgerError where error.code == .invalidValue {
                throw ValidationError(error.message)
            }
            if self.output.json {
                try printJSON(["token": issued.text, "token_id": issued.info.identity.tokenID])
            } else {
                print(issued.text)
            }
            printError("warning: this is the only time the token is shown; give it to till \(self.till) now (only its hash is kept)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the tokens (never their secrets).")
        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            for token in try Ledger(path: self.ledger.db).apiTokens() {
                let identity = token.identity
                let scopes = identity.scopes.sorted().map(\.rawValue)
                if self.output.json {
                    struct JSONToken: Encodable {
                        var tokenId: String, till: String, `operator`: String, scopes: [String], createdMs: Int64, revokedMs: Int64?
                    }
                    try printJSON(JSONToken(tokenId: identity.tokenID, till: identity.till, operator: identity.operatorName, scopes: scopes,
                                            createdMs: token.created.milliseconds, revokedMs: token.revoked?.milliseconds))
                } else {
                    print("\(identity.tokenID) till \(identity.till) operator \(identity.operatorName) scopes \(scopes.joined(separator: ",")) "
                          + "created \(token.created.utcText)\(token.revoked.map { ", revoked \($0.utcText)" } ?? "")")
                }
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke",
                                                        abstract: "Revoke a token for good; a running gateway refuses it at once.")
        @OptionGroup var ledger: LedgerOptions
        @Argument(help: "The token id (`storegate api token list`).") var tokenID: String

        func run() throws {
            do {
                try Ledger(path: self.ledger.db).revokeAPIToken(id: self.tokenID, at: .now)
            } catch let error as LedgerError where error.code == .invalidValue {
                throw ValidationError(error.message)
            }
            print("API token \(self.tokenID) revoked")
        }
    }
}
