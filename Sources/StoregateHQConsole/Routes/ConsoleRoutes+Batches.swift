import Foundation
import Hummingbird
import Logging

extension ConsoleRoutes {
    /// `GET /batches`, `/api/batches`, `/api/batches.csv`, `/batches/{id}`, `/api/batches/{id}`, `/api/batches/{id}/stores.csv`.
    func registerBatches(on router: Router<ConsoleRequestContext>) {
        self.registerPage(on: router, "/batches", template: "batches",
                          exports: [CSVExport(".csv", CodeBatches.csv, name: { _ in "code-batches" }, rows: { $0.batches })],
                          title: { _, language in language("batches") }, read: { _, _ in try await self.batches(nil) })
        self.registerPage(on: router, "/batches/{id}", template: "batch",
                          exports: [CSVExport("/stores.csv", CodeBatches.storesCSV, name: { "\($0.batches.first?.batchId ?? "batch")-stores" },
                                              rows: { $0.stores })],
                          title: { page, language in "\(language("batch")) \(page.batches.first?.batchId ?? "")" },
                          read: { _, context in try await self.batches(try Self.batchID(context)) })
    }

    private func batches(_ id: String?) async throws -> CodeBatches {
        try await self.database.consoleRead(logger: self.logger) { try await CodeBatches.read($0, batch: id, logger: self.logger) }
    }

    static func batchID(_ context: ConsoleRequestContext) throws(ConsoleError) -> String {
        guard let id = context.parameters.get("id"), !id.isEmpty else { throw .badRequest("name a batch: /batches/BATCH_ID") }
        return id
    }
}
