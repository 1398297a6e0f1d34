import Logging
import PostgresNIO
import StoregateHQ

/// Failed logins counted in PostgreSQL (`login_failures`), per user name and per client address over a window, so
/// every instance sees the same counts. Past a limit, logins are refused (429) before any password is checked.
struct LoginThrottle: Sendable {
    struct Limits: Sendable {
        var windowMs: Int64 = 15 * 60_000
        /// Failures of one user name in the window (guessing one account's password).
        var perUser = 5
        /// Failures from one address in the window (trying many names).
        var perAddress = 20
    }

    let database: HQDatabase
    let limits: Limits
    let logger: Logger

    /// Why a login must be refused now, or nil.
    func refusal(user: String, address: String, now: Int64) async throws -> String? {
        let since = now - self.limits.windowMs
        let rows = try await self.database.client.query("""
            SELECT (SELECT count(*) FROM login_failures WHERE user_name = \(user) AND time_ms > \(since))::bigint,
                   (SELECT count(*) FROM login_failures WHERE address = \(address) AND time_ms > \(since))::bigint
            """, logger: self.logger)
        var counts: (Int64, Int64) = (0, 0)
        for try await row in rows.decode((Int64, Int64).self) { counts = row }
        let minutes = self.limits.windowMs / 60_000
        if counts.0 >= self.limits.perUser {
            return "too many failed logins for \(user): wait \(minutes) minutes, or ask an admin to check the account"
        }
        if counts.1 >= self.limits.perAddress {
            return "too many failed logins from this address: wait \(minutes) minutes"
        }
        return nil
    }

    func recordFailure(user: String, address: String, now: Int64) async throws {
        try await self.database.client.query(
            "INSERT INTO login_failures (user_name, address, time_ms) VALUES (\(user), \(address), \(now))", logger: self.logger)
    }

    /// A successful login clears the user's failures (the address's stay: they may be guessing other names).
    func recordSuccess(user: String) async throws {
        try await self.database.client.query("DELETE FROM login_failures WHERE user_name = \(user)", logger: self.logger)
    }
}
