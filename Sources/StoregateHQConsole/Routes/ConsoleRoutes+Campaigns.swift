import Foundation
import Hummingbird
import Logging
import StoregateCore
import StoregateFoundation

extension ConsoleRoutes {
    /// `GET /campaigns`, `/api/campaigns`, `/api/campaigns.csv`, `/campaigns/{id}`, `/api/campaigns/{id}`,
    /// `/api/campaigns/{id}/areas.csv`.
    func registerCampaigns(on router: Router<ConsoleRequestContext>) {
        self.registerPage(on: router, "/campaigns", template: "campaigns",
                          exports: [CSVExport(".csv", Campaigns.csv, name: { _ in "campaigns" }, rows: { $0.campaigns })],
                          title: { _, language in language("campaigns") }, read: { _, _ in try await self.campaigns(nil) })
        self.registerPage(on: router, "/campaigns/{id}", template: "campaign",
                          exports: [CSVExport("/areas.csv", Campaigns.areasCSV, name: { "\($0.campaigns.first?.campaign ?? "campaign")-areas" },
                                              rows: { $0.areas })],
                          title: { page, language in "\(language("campaign")) \(page.campaigns.first?.campaign ?? "")" },
                          read: { _, context in try await self.campaigns(try Self.campaignID(context)) })
    }

    static func campaignID(_ context: ConsoleRequestContext) throws(ConsoleError) -> String {
        guard let id = context.parameters.get("id").flatMap({ $0.removingPercentEncoding }), !id.isEmpty else {
            throw .badRequest("name a campaign: /campaigns/CAMPAIGN")
        }
        return id
    }

    private func campaigns(_ id: String?) async throws -> Campaigns {
        try await self.database.consoleRead(logger: self.logger) {
            try await Campaigns.read($0, campaign: id, now: Timestamp.now.milliseconds, logger: self.logger)
        }
    }
}
