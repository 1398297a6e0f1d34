import Hummingbird
import Logging
import StoregateCore
import StoregateFoundation

extension ConsoleRoutes {
    /// `GET /skus`, `/api/skus`, `/api/skus.csv`, `/api/skus-hours.csv`; `/skus/{gtin}`, `/api/skus/{gtin}`,
    /// `/api/skus/{gtin}/regions.csv`, `/api/skus/{gtin}/hours.csv`.
    func registerSKUs(on router: Router<ConsoleRequestContext>) {
        self.registerPage(on: router, "/skus/{gtin}", template: "sku",
                          exports: [CSVExport("/regions.csv", SKUDetail.areasCSV, name: { "\($0.gtin)-regions-today" }, rows: { $0.areas }),
                                    CSVExport("/hours.csv", SKUDetail.hoursCSV, name: { "\($0.gtin)-hours-today" }, rows: { $0.hours })],
                          title: { page, language in "\(language("sku")) \(page.gtin)" },
                          extra: { page, language in ["chart": SKUDetail.chart(page.hours, language: language)] },
                          read: { _, context in try await self.sku(context) })
        self.registerPage(on: router, "/skus", template: "skus",
                          exports: [CSVExport(".csv", SKUSales.csv, name: { _ in "skus-today" }, rows: { $0.rows }),
                                    CSVExport("-hours.csv", SKUDetail.hoursCSV, name: { _ in "skus-hours-today" }, rows: { $0.hours })],
                          title: { _, language in language("skus") },
                          extra: { page, language in ["chart": SKUDetail.chart(page.hours, language: language)] },
                          read: { _, _ in
                              try await self.database.consoleRead(logger: self.logger) {
                                  try await SKUSales.read($0, now: Timestamp.now.milliseconds, logger: self.logger)
                              }
                          })
    }

    private func sku(_ context: ConsoleRequestContext) async throws -> SKUDetail {
        let text = context.parameters.get("gtin") ?? ""
        guard text.utf8.count == 14, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { throw ConsoleError.badRequest("err_gtin", .text(text)) }
        return try await self.database.consoleRead(logger: self.logger) { connection in
            try await SKUDetail.read(connection, gtin: text, now: Timestamp.now.milliseconds, logger: self.logger)
        }
    }
}
