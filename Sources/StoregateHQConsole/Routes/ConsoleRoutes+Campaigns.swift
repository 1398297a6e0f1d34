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
                                              rows: { $0.areas }),
                                    CSVExport("/hours.csv", Campaigns.hoursCSV, name: { "\($0.campaigns.first?.campaign ?? "campaign")-hours" },
                                              rows: { $0.hours }),
                                    CSVExport("/days.csv", Campaigns.daysCSV, name: { "\($0.campaigns.first?.campaign ?? "campaign")-days" },
                                              rows: { $0.days })],
                          title: { page, language in "\(language("campaign")) \(page.campaigns.first?.campaign ?? "")" },
                          // The page shows the provinces; each level below is a page of its own (the JSON and CSV keep every level).
                          forPage: { page, _ in page.areas = page.areas.filter { $0.level == "all" || $0.level == "province" } },
                          extra: { page, language in
                              ["hoursChart": SVGChart(id: "redemptions-per-hour", title: language("redemptions_per_hour"),
                                                      bars: page.hours.map { .init(label: $0.label, value: $0.redemptions) }, labelEvery: 24,
                                                      emptyText: language("chart_empty")).svg,
                               "daysChart": SVGChart(id: "redemptions-per-day", title: language("redemptions_per_day"),
                                                     bars: page.days.map { .init(label: String($0.label.suffix(5)), value: $0.redemptions) },
                                                     labelEvery: 7, emptyText: language("chart_empty")).svg]
                          },
                          read: { _, context in try await self.campaigns(try Self.campaignID(context)) })
        self.registerPage(on: router, "/campaigns/{id}/uplift", template: "campaign_uplift",
                          exports: [CSVExport("/stores.csv", Campaigns.storesCSV, name: { "\($0.campaign ?? "campaign")-stores" },
                                              rows: { $0.stores })],
                          title: { page, language in "\(language("campaign")) \(page.campaign ?? "") · \(language("uplift"))" },
                          read: { _, context in try await self.campaigns(try Self.campaignID(context), detail: .uplift) })
    }

    static func campaignID(_ context: ConsoleRequestContext) throws(ConsoleError) -> String {
        guard let id = context.parameters.get("id").flatMap({ $0.removingPercentEncoding }), !id.isEmpty else {
            throw .badRequest("err_name_campaign")
        }
        return id
    }

    /// `GET /campaigns/{id}/regions[?province=…[&city=…[&county=…]]]` and `/campaigns/{id}/distributors[?distributor=…]`,
    /// each with `/api…` and `/api….csv`: one level of the drill-down.
    func registerCampaignDrill(on router: Router<ConsoleRequestContext>) {
        let dimensions: [(String, CampaignDrill.Dimension)] = [("regions", .region), ("distributors", .distributor)]
        for (path, dimension) in dimensions {
            self.registerPage(on: router, "/campaigns/{id}/\(path)", template: "campaign_drill",
                              exports: [CSVExport(".csv", CampaignDrill.csv, name: { "\($0.campaign)-\(path)-\($0.level)" }, rows: { $0.rows })],
                              title: { page, language in "\(language("campaign")) \(page.campaign) · \(page.levelLabel)" },
                              read: { request, context in try await self.drill(request, context, by: dimension) })
        }
    }

    private func drill(_ request: Request, _ context: ConsoleRequestContext, by dimension: CampaignDrill.Dimension) async throws -> CampaignDrill {
        let campaign = try Self.campaignID(context)
        let query = request.uri.queryParameters
        let filters = CampaignDrill.Filters(
            province: query.get("province"), city: query.get("city"), county: query.get("county"),
            distributor: dimension == .distributor ? query.get("distributor") : nil)
        let language = context.language
        return try await self.database.consoleRead(logger: self.logger) { connection in
            try await CampaignDrill.read(connection, campaign: campaign, by: dimension, filters: filters, now: Timestamp.now.milliseconds,
                                         language: language, logger: self.logger)
        }
    }

    private func campaigns(_ id: String?, detail: Campaigns.Detail = .activity) async throws -> Campaigns {
        try await self.database.consoleRead(logger: self.logger) {
            try await Campaigns.read($0, campaign: id, detail: detail, now: Timestamp.now.milliseconds, logger: self.logger)
        }
    }
}
