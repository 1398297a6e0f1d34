import Foundation
import HTTPTypes
import HummingbirdBcrypt
public import Logging
import NIOPosix
import PostgresNIO
public import StoregateHQ

/// The console's users in PostgreSQL (`users`): names, roles and bcrypt hashes. Hashing runs on NIO's thread pool,
/// never on the cooperative pool (a cost-12 bcrypt takes a fifth of a second on purpose).
public struct ConsoleUsers: Sendable {
    public struct User: Sendable, Codable, Equatable {
        public var name: String
        public var role: ConsoleRole
        public var createdMs: Int64
    }

    static let bcryptCost: UInt8 = 12
    /// bcrypt reads at most 72 bytes: a longer password would be cut silently, so it is refused instead.
    static let passwordBytes = 8...72
    /// Verified when the name is unknown, so that a wrong name takes as long as a wrong password.
    private static let absentUserHash = Bcrypt.hash("storegate-console-absent-user", cost: bcryptCost)

    let database: HQDatabase
    let logger: Logger

    public init(database: HQDatabase, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Checks a user name: 1–64 of letters, digits, `.`, `_`, `-`, `@`.
    public static func checkName(_ name: String) throws(ConsoleError) {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "._-@"))
        guard (1...64).contains(name.count), name.unicodeScalars.allSatisfy({ $0.isASCII && allowed.contains($0) }) else {
            throw .badRequest("user name \"\(name)\": use 1–64 letters, digits, '.', '_', '-' or '@'")
        }
    }

    public static func checkPassword(_ password: String) throws(ConsoleError) {
        guard Self.passwordBytes.contains(password.utf8.count) else {
            throw .badRequest("the password must be \(Self.passwordBytes.lowerBound)–\(Self.passwordBytes.upperBound) bytes long (bcrypt reads no more than 72)")
        }
        guard !password.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .badRequest("the password must not contain control characters (a newline, a NUL)")
        }
    }

    /// Adds a user; refuses a name that exists.
    public func add(name: String, role: ConsoleRole, password: String, now: Int64) async throws -> User {
        try Self.checkName(name)
        try Self.checkPassword(password)
        let hash = try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: Self.bcryptCost) }
        let rows = try await self.database.client.query("""
            INSERT INTO users (name, role, password_hash, created_ms) VALUES (\(name), \(role.rawValue), \(hash), \(now))
            ON CONFLICT (name) DO NOTHING RETURNING name
            """, logger: self.logger)
        var inserted = false
        for try await _ in rows.decode(String.self) { inserted = true }
        guard inserted else { throw ConsoleError(.conflict, "user \(name) exists already") }
        return User(name: name, role: role, createdMs: now)
    }

    public func list() async throws -> [User] {
        var users: [User] = []
        let rows = try await self.database.client.query("SELECT name, role, created_ms FROM users ORDER BY name", logger: self.logger)
        for try await (name, role, created) in rows.decode((String, String, Int64).self) {
            users.append(User(name: name, role: ConsoleRole(rawValue: role) ?? .viewer, createdMs: created))
        }
        return users
    }

    /// The user if `password` is theirs; nil otherwise (unknown name or wrong password, in about the same time).
    func verify(name: String, password: String) async throws -> User? {
        var found: (User, String)?
        let rows = try await self.database.client.query(
            "SELECT name, role, created_ms, password_hash FROM users WHERE name = \(name)", logger: self.logger)
        for try await (name, role, created, hash) in rows.decode((String, String, Int64, String).self) {
            found = (User(name: name, role: ConsoleRole(rawValue: role) ?? .viewer, createdMs: created), hash)
        }
        let hash = found?.1 ?? Self.absentUserHash
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
        guard matches, let user = found?.0 else { return nil }
        return user
    }
}
