import Foundation
import Hummingbird
import Logging
import StoregateCore
import StoregateFoundation

extension ConsoleRoutes {
    /// `GET /users`, `/api/users`, `/api/users.csv`: admins only (403 for operators and viewers).
    func registerUsers(on router: Router<ConsoleRequestContext>) {
        self.registerPage(on: router, "/users", template: "users",
                          exports: [CSVExport(".csv", UserList.csv, name: { _ in "users" }, rows: { $0.users })],
                          title: { _, language in language("users") }, requires: .admin,
                          forPage: { list, context in
                              for index in list.users.indices { list.users[index].canManage = list.users[index].name != context.session?.user }
                          },
                          extra: { _, _ in ["roles": ConsoleRole.allCases.map(\.rawValue)] },
                          read: { _, context in
                              try await self.database.consoleRead(logger: self.logger) {
                                  try await UserList.read($0, now: Timestamp.now.milliseconds, failureWindowMs: self.throttle.limits.windowMs,
                                                         language: context.language, logger: self.logger)
                              }
                          })
    }

    /// `POST /users` (add: name, role, password), `POST /users/{name}/role` (role), `POST /users/{name}/disable`,
    /// `POST /users/{name}/enable`: admins only (403 for the others; the CSRF token is checked before, as on every
    /// POST). An admin cannot change or disable themself, nor leave the console without an enabled admin.
    func registerUserManagement(on router: Router<ConsoleRequestContext>) {
        router.post("/users") { _, context in
            let session = try Self.admin(context)
            let name = context.form["name"]?.trimmingCharacters(in: .whitespaces) ?? ""
            let user = try await self.users.add(name: name, role: try Self.role(context), password: context.form["password"] ?? "",
                                                now: Timestamp.now.milliseconds)
            self.logger.notice("console user added", metadata: ["user": "\(user.name)", "role": "\(user.role.rawValue)", "by": "\(session.user)"])
            return Self.redirect("/users")
        }
        router.post("/users/{name}/role") { _, context in
            let session = try Self.admin(context)
            let (user, role) = (Self.userName(context), try Self.role(context))
            try await self.users.setRole(user, to: role, by: session.user)
            self.logger.notice("console role changed", metadata: ["user": "\(user)", "role": "\(role.rawValue)", "by": "\(session.user)"])
            return Self.redirect("/users")
        }
        for (action, disabled) in [("disable", true), ("enable", false)] {
            router.post(RouterPath("/users/{name}/\(action)")) { _, context in
                let session = try Self.admin(context)
                let user = Self.userName(context)
                try await self.users.setDisabled(user, disabled, by: session.user, now: Timestamp.now.milliseconds)
                self.logger.notice("console user \(action)d", metadata: ["user": "\(user)", "by": "\(session.user)"])
                return Self.redirect("/users")
            }
        }
    }

    private static func admin(_ context: ConsoleRequestContext) throws(ConsoleError) -> ConsoleSession {
        let session = try context.requireSession()
        guard session.role == .admin else { throw ConsoleError.notAllowed(session, "err_only_admins_users") }
        return session
    }

    private static func role(_ context: ConsoleRequestContext) throws(ConsoleError) -> ConsoleRole {
        let text = context.form["role"] ?? ""
        guard let role = ConsoleRole(rawValue: text) else { throw ConsoleError.badRequest("err_role_name", .text(text)) }
        return role
    }

    private static func userName(_ context: ConsoleRequestContext) -> String { context.parameters.get("name")?.removingPercentEncoding ?? "" }
}
