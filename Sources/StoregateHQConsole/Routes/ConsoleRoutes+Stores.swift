import Foundation
import Hummingbird
import Logging
import StoregateCore
import StoregateFoundation

extension ConsoleRoutes {
    /// `GET /stores`, `/api/stores`, `/api/stores.csv`, `/stores/{id}`, `/api/stores/{id}`,
    /// `/api/stores/{id}/gateways.csv`, `/api/stores/{id}/hours.csv`.
    func registerStores(on router: Router<ConsoleRequestContext>) {
        self.registerPage(on: router, "/stores", template: "stores",
                          exports: [CSVExport(".csv", StoreHealth.csv, name: { _ in "stores" }, rows: { $0.stores })],
                          title: { _, language in language("stores") }, read: { _, context in try await self.health(context) })
        self.registerPage(on: router, "/stores/{id}", template: "store",
                          exports: [CSVExport("/gateways.csv", StoreDetail.gatewaysCSV, name: { "\($0.store.storeId)-gateways" },
                                              rows: { $0.store.gateways }),
                                    CSVExport("/hours.csv", StoreDetail.hoursCSV, name: { "\($0.store.storeId)-hours" }, rows: { $0.hours })],
                          title: { detail, _ in detail.store.name.isEmpty ? detail.store.storeId : detail.store.name },
                          read: { _, context in try await self.detail(context) })
    }

    private func health(_ context: ConsoleRequestContext) async throws -> StoreHealth {
        try await self.database.consoleRead(logger: self.logger) {
            try await StoreHealth.read($0, now: Timestamp.now.milliseconds, staleMs: self.staleGatewayMs, language: context.language,
                                       logger: self.logger)
        }
    }

    private func detail(_ context: ConsoleRequestContext) async throws -> StoreDetail {
        let id = try Self.storeID(context)
        return try await self.database.consoleRead(logger: self.logger) {
            try await StoreDetail.read($0, store: id, now: Timestamp.now.milliseconds, staleMs: self.staleGatewayMs,
                                       language: context.language, logger: self.logger)
        }
    }
}
