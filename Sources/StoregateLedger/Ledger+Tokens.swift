import Crypto
import Foundation
import GRDB
public import StoregateCore
import StoregateFoundation
import StoregateTrust

/// What a till's API token lets it ask for (docs/api.md lists the routes each scope opens).
public enum APIScope: String, CaseIterable, Sendable, Comparable {
    case verify, receive, sell, `return`, redeem, void, read

    /// `sell,redeem,verify` → the scopes; an unknown name is an error that lists the valid ones.
    public static func parseList(_ text: String) throws(LedgerError) -> Set<APIScope> {
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var scopes: Set<APIScope> = []
        for name in names {
            guard let scope = APIScope(rawValue: name) else {
                throw LedgerError(.invalidValue, "\(name) is not a scope; use one or more of \(Self.names)")
            }
            scopes.insert(scope)
        }
        return scopes
    }

    /// `verify, receive, sell, return, redeem, void, read`.
    public static var names: String { Self.allCases.map(\.rawValue).joined(separator: ", ") }

    public static func < (lhs: APIScope, rhs: APIScope) -> Bool {
        Self.allCases.firstIndex(of: lhs)! < Self.allCases.firstIndex(of: rhs)!
    }
}

/// Who a valid API token speaks for: the till is the lane, and the operator is the token's.
public struct TillIdentity: Sendable, Equatable {
    public var tokenID: String
    public var till: String
    /// The token's operator; nil: the till's own (``operatorName``).
    public var tokenOperator: String?
    public var scopes: Set<APIScope>

    public init(tokenID: String, till: String, tokenOperator: String?, scopes: Set<APIScope>) {
        self.tokenID = tokenID
        self.till = till
        self.tokenOperator = tokenOperator
        self.scopes = scopes
    }

    /// The operator journaled for what this till asks.
    public var operatorName: String { self.tokenOperator ?? "till-\(self.till)" }
}

/// One API token as `storegate api token list` shows it (never its secret).
public struct APITokenInfo: Sendable, Equatable {
    public var identity: TillIdentity
    public var created: Timestamp
    public var revoked: Timestamp?
}

extension Ledger {
    static let apiTokenPrefix = "sgt_"
    static let apiTokenSecretBytes = 32

    /// Issues a token for `till` and returns its text, `sgt_<token id>_<secret>`. Only the SHA-256 of the secret is
    /// stored: the text cannot be shown again.
    public func addAPIToken(till: String, operatorName: String?, scopes: Set<APIScope>, at time: Timestamp) throws -> (text: String, info: APITokenInfo) {
        try Self.checkName(till, "till")
        if let operatorName { try Self.checkName(operatorName, "operator") }
        guard !scopes.isEmpty else { throw LedgerError(.invalidValue, "no scopes; use one or more of \(APIScope.names)") }
        var random = SystemRandomNumberGenerator()
        let tokenID = Hex.encode((0..<8).map { _ in UInt8.random(in: .min ... .max, using: &random) })
        let secret = (0..<Self.apiTokenSecretBytes).map { _ in UInt8.random(in: .min ... .max, using: &random) }
        let identity = TillIdentity(tokenID: tokenID, till: till, tokenOperator: operatorName, scopes: scopes)
        defer { self.apiTokenCache.invalidate() }
        try self.writer.write { db in
            try db.execute(sql: """
                INSERT INTO api_tokens(token_id, secret_hash, till, operator, scopes, created_ms) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [tokenID, Data(Self.hash(secret)), till, operatorName, Self.scopesText(scopes), time.milliseconds])
        }
        return (Self.apiTokenPrefix + tokenID + "_" + Base64URL.encode(secret), APITokenInfo(identity: identity, created: time))
    }

    /// Every token ever issued, revoked ones included, oldest first.
    public func apiTokens() throws -> [APITokenInfo] {
        try self.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT token_id, till, operator, scopes, created_ms, revoked_ms FROM api_tokens ORDER BY created_ms, token_id")
                .map { row in
                    APITokenInfo(identity: TillIdentity(tokenID: row[0], till: row[1], tokenOperator: row[2], scopes: Self.scopes(row[3])),
                                 created: Timestamp(milliseconds: row[4]), revoked: (row[5] as Int64?).map(Timestamp.init(milliseconds:)))
                }
        }
    }

    /// Revokes a token for good; a running daemon refuses it from its next request on.
    public func revokeAPIToken(id tokenID: String, at time: Timestamp) throws {
        defer { self.apiTokenCache.invalidate() }
        try self.writer.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT revoked_ms FROM api_tokens WHERE token_id = ?", arguments: [tokenID]) else {
                throw LedgerError(.invalidValue, "no API token \(tokenID) (`storegate api token list` shows them)")
            }
            if let revoked = row[0] as Int64? {
                throw LedgerError(.invalidValue, "API token \(tokenID) was already revoked at \(Timestamp(milliseconds: revoked).utcText)")
            }
            try db.execute(sql: "UPDATE api_tokens SET revoked_ms = ? WHERE token_id = ?", arguments: [time.milliseconds, tokenID])
        }
    }

    /// The till a token speaks for; nil for anything that is not a token issued here and not revoked (malformed
    /// text included). Read from memory until a token changes, here or in another process (``DataVersionCache``).
    public func authenticate(apiToken text: String) throws -> TillIdentity? {
        guard let token = Self.parseToken(text) else { return nil }
        // Looked up by the secret's hash, so no comparison of secrets leaks timing.
        let tokens = try self.apiTokenCache.value(dataVersion: self.writerDataVersion()) { try self.activeAPITokens() }
        guard let identity = tokens[Self.hash(token.secret)], identity.tokenID == token.tokenID else { return nil }
        return identity
    }

    private func activeAPITokens() throws -> [[UInt8]: TillIdentity] {
        try self.writer.read { db in
            var tokens: [[UInt8]: TillIdentity] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT secret_hash, token_id, till, operator, scopes FROM api_tokens WHERE revoked_ms IS NULL") {
                let hash: [UInt8] = Array(row[0] as Data)
                tokens[hash] = TillIdentity(tokenID: row[1], till: row[2], tokenOperator: row[3], scopes: Self.scopes(row[4]))
            }
            return tokens
        }
    }

    private static func parseToken(_ text: String) -> (tokenID: String, secret: [UInt8])? {
        guard text.hasPrefix(Self.apiTokenPrefix) else { return nil }
        let rest = text.dropFirst(Self.apiTokenPrefix.count)
        // The id is hex; the secret's base64url may itself contain "_", so split at the first one only.
        guard let separator = rest.firstIndex(of: "_"),
              let secret = Base64URL.decode(String(rest[rest.index(after: separator)...])), secret.count == Self.apiTokenSecretBytes
        else { return nil }
        return (String(rest[..<separator]), secret)
    }

    private static func hash(_ secret: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: secret))
    }

    private static func scopesText(_ scopes: Set<APIScope>) -> String {
        scopes.sorted().map(\.rawValue).joined(separator: ",")
    }

    /// A scope this version does not know (written by a later one) grants nothing.
    private static func scopes(_ text: String) -> Set<APIScope> {
        Set(text.split(separator: ",").compactMap { APIScope(rawValue: String($0)) })
    }

    /// Till and operator are journaled with every operation: plain text of 1–64 bytes, as the API's lane.
    private static func checkName(_ name: String, _ field: String) throws {
        guard !name.isEmpty, name.utf8.count <= 64, !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw LedgerError(.invalidValue, "\(field) must be 1–64 bytes without control characters")
        }
    }
}
