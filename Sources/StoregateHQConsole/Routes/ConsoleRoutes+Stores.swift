import Foundation
import Hummingbird
import Logging
import StoregateCore
import StoregateFoundation

extension ConsoleRoutes {
    /// `GET /stores`, `/api/stores`, `/api/stores.csv`, `/stores/{id}`, `/api/stores/{id}`,
    /// `/api/stores/{id}/gateways.csv`, `/api/stores/{id}/hours.csv`.
    func registerStores(on router: Router<ConsoleRequestContext>) {
        router.get("/stores") { _, context in
            self.pages.html("stores", title: context.language("stores"), model: ["page": try await self.health(context)], context: context)
        }
        router.get("/api/stores") { _, context in ConsolePages.json(try await self.health(context)) }
        router.get("/api/stores.csv") { _, context in
            StoreHealth.csv.response(try await self.health(context).stores, name: "stores", language: context.language)
        }
        router.get("/stores/{id}") { _, context in
            let detail = try await self.detail(context)
            return self.pages.html("store", title: detail.store.name.isEmpty ? detail.store.storeId : detail.store.name,
                                   model: ["page": detail], context: context)
        }
        router.get("/api/stores/{id}") { _, context in ConsolePages.json(try await self.detail(context)) }
        router.get("/api/stores/{id}/gateways.csv") { _, context in
            let detail = try await self.detail(context)
            return StoreDetail.gatewaysCSV.response(detail.store.gateways, name: "\(detail.store.storeId)-gateways", language: context.language)
        }
        router.get("/api/stores/{id}/hours.csv") { _, context in
            let detail = try await self.detail(context)
            return StoreDetail.hoursCSV.response(detail.hours, name: "\(detail.store.storeId)-hours", language: context.language)
        }
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
