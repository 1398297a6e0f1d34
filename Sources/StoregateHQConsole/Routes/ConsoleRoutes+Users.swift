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
                          read: { _, _ in
                              try await self.database.consoleRead(logger: self.logger) {
                                  try await UserList.read($0, now: Timestamp.now.milliseconds,
                                                         failureWindowMs: self.throttle.limits.windowMs, logger: self.logger)
                              }
                          })
    }
}
