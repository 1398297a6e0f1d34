import Foundation
import Hummingbird
import Logging
import StoregateCore
import StoregateFoundation

extension ConsoleRoutes {
    /// `GET /alerts[?state=open|all]`, `/api/alerts`, `/api/alerts.csv`, `POST /alerts/{id}/acknowledge` (operators).
    func registerAlerts(on router: Router<ConsoleRequestContext>) {
        self.registerPage(on: router, "/alerts", template: "alerts",
                          exports: [CSVExport(".csv", AlertList.csv, name: { _ in "alerts" }, rows: { $0.alerts })],
                          title: { _, language in language("alerts") },
                          forPage: { list, context in
                              let canAct = context.session?.role.canAct ?? false
                              for index in list.alerts.indices {
                                  list.alerts[index].canAcknowledge = canAct && list.alerts[index].acknowledgedMs == nil
                              }
                          },
                          read: { request, context in try await self.alerts(openOnly: try Self.openOnly(request), language: context.language) })
        router.post("/alerts/{id}/acknowledge") { _, context in
            let session = try context.requireSession()
            guard session.role.canAct else {
                throw ConsoleError.notAllowed(session, "err_only_operators_acknowledge")
            }
            guard let text = context.parameters.get("id"), let id = Int64(text) else {
                throw ConsoleError.badRequest("err_alert_number", .text(context.parameters.get("id") ?? ""))
            }
            try await AlertList.acknowledge(self.database, id: id, user: session.user, note: context.form["note"] ?? "",
                                            now: Timestamp.now.milliseconds, logger: self.logger)
            self.logger.notice("alert acknowledged", metadata: ["alert": "\(id)", "user": "\(session.user)"])
            return Self.redirect("/alerts#alert-\(id)")
        }
    }

    private func alerts(openOnly: Bool, language: ConsoleLanguage) async throws -> AlertList {
        try await self.database.consoleRead(logger: self.logger) {
            try await AlertList.read($0, openOnly: openOnly, language: language, logger: self.logger)
        }
    }
}
