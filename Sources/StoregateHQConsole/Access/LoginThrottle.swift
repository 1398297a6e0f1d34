import HTTPTypes
import Logging
import PostgresNIO
import StoregateHQ

/// Failed logins counted in PostgreSQL (`login_failures`), shared by every instance, over a window. Two limits:
/// failures of one user name *from one client address* (someone guessing that account's password from there), and
/// failures from one address whatever the name (someone trying many names). Past either, logins from that address
/// are refused (429) before any password is checked. A user's failures elsewhere never lock them out here: an
/// attacker cannot shut a named user out of the console by failing logins under their name.
struct LoginThrottle: Sendable {
    struct Limits: Sendable {
        var windowMs: Int64 = 15 * 60_000
        /// Failures of one user name from one address in the window.
        var perUserAndAddress = 5
        /// Failures from one address in the window (any names).
        var perAddress = 20
    }

    let database: HQDatabase
    let limits: Limits
    let logger: Logger

    /// Why a login of `user` from `address` must be refused now, or nil.
    func refusal(user: String, address: String, now: Int64) async throws -> ConsoleError? {
        let since = now - self.limits.windowMs
        let rows = try await self.database.client.query("""
            SELECT (SELECT count(*) FROM login_failures WHERE user_name = \(user) AND address = \(address) AND time_ms > \(since))::bigint,
                   (SELECT count(*) FROM login_failures WHERE address = \(address) AND time_ms > \(since))::bigint
            """, logger: self.logger)
        var counts: (Int64, Int64) = (0, 0)
        for try await row in rows.decode((Int64, Int64).self) { counts = row }
        let minutes = "\(self.limits.windowMs / 60_000)"
        if counts.0 >= self.limits.perUserAndAddress {
            return ConsoleError(.tooManyRequests, key: "login_limited_user", .text(user), .text(minutes))
        }
        if counts.1 >= self.limits.perAddress {
            return ConsoleError(.tooManyRequests, key: "login_limited_address", .text(minutes))
        }
        return nil
    }

    func recordFailure(user: String, address: String, now: Int64) async throws {
        try await self.database.client.query(
            "INSERT INTO login_failures (user_name, address, time_ms) VALUES (\(user), \(address), \(now))", logger: self.logger)
    }

    /// A successful login clears the user's failures from that address (the address's other failures stay: it may be
    /// guessing other names).
    func recordSuccess(user: String, address: String) async throws {
        try await self.database.client.query(
            "DELETE FROM login_failures WHERE user_name = \(user) AND address = \(address)", logger: self.logger)
    }
}
