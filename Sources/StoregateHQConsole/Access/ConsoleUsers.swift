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
        /// When an admin disabled the user (no login, no session); nil while enabled.
        public var disabledMs: Int64?
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
            throw .badRequest("err_user_name", .text(name))
        }
    }

    public static func checkPassword(_ password: String) throws(ConsoleError) {
        guard Self.passwordBytes.contains(password.utf8.count) else {
            throw .badRequest("err_password_length", "\(Self.passwordBytes.lowerBound)", "\(Self.passwordBytes.upperBound)")
        }
        guard !password.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .badRequest("err_password_control")
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
        guard inserted else { throw ConsoleError(.conflict, key: "err_user_exists", .text(name)) }
        return User(name: name, role: role, createdMs: now)
    }

    public func list() async throws -> [User] {
        var users: [User] = []
        let rows = try await self.database.client.query("SELECT name, role, created_ms, disabled_ms FROM users ORDER BY name",
                                                        logger: self.logger)
        for try await (name, role, created, disabled) in rows.decode((String, String, Int64, Int64?).self) {
            users.append(User(name: name, role: ConsoleRole(rawValue: role) ?? .viewer, createdMs: created, disabledMs: disabled))
        }
        return users
    }

    /// The user if `password` is theirs and they are not disabled; nil otherwise (unknown name, wrong password or a
    /// disabled user, in about the same time and with the same answer).
    func verify(name: String, password: String) async throws -> User? {
        var found: (User, String, Bool)?
        let rows = try await self.database.client.query(
            "SELECT name, role, created_ms, password_hash, disabled_ms IS NOT NULL FROM users WHERE name = \(name)", logger: self.logger)
        for try await (name, role, created, hash, disabled) in rows.decode((String, String, Int64, String, Bool).self) {
            found = (User(name: name, role: ConsoleRole(rawValue: role) ?? .viewer, createdMs: created), hash, disabled)
        }
        let hash = found?.1 ?? Self.absentUserHash
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
        guard matches, let user = found?.0, found?.2 == false else { return nil }
        return user
    }

    /// Changes a user's role (an admin's act, from the console). Refused for the acting admin themself and when it
    /// would leave no enabled admin; a changed role applies at the user's next request.
    func setRole(_ name: String, to role: ConsoleRole, by admin: String) async throws {
        guard name != admin else { throw ConsoleError(.conflict, key: "err_self") }
        try await self.change(name, keepingAnAdmin: role != .admin) { connection in
            try await connection.query("UPDATE users SET role = \(role.rawValue) WHERE name = \(name)", logger: self.logger)
        }
    }

    /// Disables a user (no login; their sessions are closed at once) or enables them again.
    func setDisabled(_ name: String, _ disabled: Bool, by admin: String, now: Int64) async throws {
        guard name != admin else { throw ConsoleError(.conflict, key: "err_self") }
        try await self.change(name, keepingAnAdmin: disabled) { connection in
            if disabled {
                try await connection.query("UPDATE users SET disabled_ms = \(now) WHERE name = \(name)", logger: self.logger)
                try await connection.query("DELETE FROM sessions WHERE user_name = \(name)", logger: self.logger)
            } else {
                try await connection.query("UPDATE users SET disabled_ms = NULL WHERE name = \(name)", logger: self.logger)
            }
        }
    }

    /// Runs `change` on user `name` in a transaction holding every user row's lock; with `keepingAnAdmin`, refuses
    /// (409) when the user is the last enabled admin. An unknown user is a 404.
    private func change(_ name: String, keepingAnAdmin: Bool,
                        _ change: @Sendable (PostgresConnection) async throws -> Void) async throws {
        let outcome: ConsoleError? = try await self.database.transaction { connection in
            var target: (role: String, disabled: Bool)?
            var enabledAdmins = 0
            let rows = try await connection.query(
                "SELECT name, role, disabled_ms IS NOT NULL FROM users ORDER BY name FOR UPDATE", logger: self.logger)
            for try await (user, role, disabled) in rows.decode((String, String, Bool).self) {
                if user == name { target = (role, disabled) }
                if role == ConsoleRole.admin.rawValue && !disabled { enabledAdmins += 1 }
            }
            guard let target else { return ConsoleError.notFound("err_no_user", .text(name)) }
            if keepingAnAdmin, target.role == ConsoleRole.admin.rawValue, !target.disabled, enabledAdmins <= 1 {
                return ConsoleError(.conflict, key: "err_last_admin", .text(name))
            }
            try await change(connection)
            return nil
        }
        if let outcome { throw outcome }
    }
}
