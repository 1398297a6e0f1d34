import Hummingbird
import Logging
import StoregateCore
import StoregateFoundation

extension ConsoleRoutes {
    /// `GET /skus`, `/api/skus`, `/api/skus.csv`.
    func registerSKUs(on router: Router<ConsoleRequestContext>) {
        self.registerPage(on: router, "/skus", template: "skus",
                          exports: [CSVExport(".csv", SKUSales.csv, name: { _ in "skus-today" }, rows: { $0.rows })],
                          title: { _, language in language("skus") },
                          read: { _, _ in
                              try await self.database.consoleRead(logger: self.logger) {
                                  try await SKUSales.read($0, now: Timestamp.now.milliseconds, logger: self.logger)
                              }
                          })
    }
}
