import Logging
import PostgresNIO
import StoregateHQ

/// A signed-in browser, as the session cookie names it.
struct ConsoleSession: Sendable {
    var user: String
    var role: ConsoleRole
    /// Goes into every form this session is shown; a POST must bring it back.
    var csrfToken: String
    var expiresMs: Int64
}

/// Sessions in PostgreSQL (`sessions`): the cookie holds a random token, the table only its SHA-256, so every
/// instance recognises it and a copy of the table opens nothing.
struct ConsoleSessions: Sendable {
    let database: HQDatabase
    let lifetimeMs: Int64
    let logger: Logger

    /// Opens a session for `user`; returns the cookie's token and the session.
    func open(user: ConsoleUsers.User, now: Int64) async throws -> (token: String, session: ConsoleSession) {
        let token = Secrets.token()
        let session = ConsoleSession(user: user.name, role: user.role, csrfToken: Secrets.token(), expiresMs: now + self.lifetimeMs)
        try await self.database.transaction { connection in
            try await connection.query("DELETE FROM sessions WHERE expires_ms < \(now)", logger: self.logger)
            try await connection.query("""
                INSERT INTO sessions (token_hash, user_name, csrf_token, created_ms, expires_ms)
                VALUES (\(Secrets.hash(token)), \(user.name), \(session.csrfToken), \(now), \(session.expiresMs))
                """, logger: self.logger)
        }
        return (token, session)
    }

    /// The live session the token opens, with the user's role as it is now (a changed role applies at once).
    func find(token: String, now: Int64) async throws -> ConsoleSession? {
        let rows = try await self.database.client.query("""
            SELECT s.user_name, u.role, s.csrf_token, s.expires_ms FROM sessions s JOIN users u ON u.name = s.user_name
            WHERE s.token_hash = \(Secrets.hash(token)) AND s.expires_ms > \(now) AND u.disabled_ms IS NULL
            """, logger: self.logger)
        var session: ConsoleSession?
        for try await (user, role, csrf, expires) in rows.decode((String, String, String, Int64).self) {
            guard let role = ConsoleRole(rawValue: role) else { continue }
            session = ConsoleSession(user: user, role: role, csrfToken: csrf, expiresMs: expires)
        }
        return session
    }

    func close(token: String) async throws {
        try await self.database.client.query("DELETE FROM sessions WHERE token_hash = \(Secrets.hash(token))", logger: self.logger)
    }
}
