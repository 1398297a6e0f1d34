import Logging
import PostgresNIO
import StoregateHQ

/// The users page (admins only): who may sign in, with which role, and how many sessions each has open.
struct UserList: Sendable, Codable {
    struct Row: Sendable, Codable {
        var name: String
        var role: String
        var createdMs: Int64
        var created: String
        var openSessions: Int64
        /// Failed logins within the rate limit's window (at its limit, the user's logins are refused).
        var recentFailures: Int64
        var disabled: Bool
        var disabledMs: Int64?
        /// `active` or `disabled`, in the reader's language.
        var state: String
        /// Shown the admin's forms (not for the admin's own row).
        var canManage = false
    }

    var users: [Row]

    static func read(_ connection: PostgresConnection, now: Int64, failureWindowMs: Int64, language: ConsoleLanguage,
                     logger: Logger) async throws -> UserList {
        let rows = try await connection.query("""
            SELECT u.name, u.role, u.created_ms,
                   (SELECT count(*) FROM sessions s WHERE s.user_name = u.name AND s.expires_ms > \(now))::bigint,
                   (SELECT count(*) FROM login_failures f WHERE f.user_name = u.name AND f.time_ms > \(now - failureWindowMs))::bigint,
                   u.disabled_ms
            FROM users u ORDER BY u.name
            """, logger: logger)
        var users: [Row] = []
        for try await (name, role, created, sessions, failures, disabled) in rows.decode((String, String, Int64, Int64, Int64, Int64?).self) {
            users.append(Row(name: name, role: role, createdMs: created, created: StoreTime.format(created, zone: Overview.defaultTimeZone),
                             openSessions: sessions, recentFailures: failures, disabled: disabled != nil, disabledMs: disabled,
                             state: language(disabled == nil ? "active" : "disabled")))
        }
        return UserList(users: users)
    }

    static let csv = CSVTable<Row>(columns: [
        ("user", { $0.name }), ("role", { $0.role }), ("created", { $0.created }), ("open_sessions", { "\($0.openSessions)" }),
        ("recent_failures", { "\($0.recentFailures)" }), ("state", { $0.disabled ? "disabled" : "active" }),
    ])
}
