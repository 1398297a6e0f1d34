import Foundation
import Hummingbird
import Logging
import StoregateContract
import StoregateCore
import StoregateFoundation

/// The overview as the page and its live stream show it.
struct OverviewPage: Sendable, Codable, Equatable {
    var asOf: String
    var rows: [Overview.Row]
    var openAlerts: Int64
    var unacknowledgedAlerts: Int64

    init(_ overview: Overview, language: ConsoleLanguage) {
        self.asOf = StoreTime.format(overview.asOfMs, zone: Overview.defaultTimeZone)
        self.rows = overview.rows(language)
        self.openAlerts = overview.openAlerts
        self.unacknowledgedAlerts = overview.unacknowledgedAlerts
    }
}

extension ConsoleRoutes {
    /// `GET /` (the page), `/api/overview` (JSON), `/api/overview.csv`, `/api/overview/stream` (Server-Sent Events:
    /// an `overview` event with the page's figures at once, whenever an ingest batch stored events, and at least
    /// every few seconds: ``LiveTicker``).
    func registerOverview(on router: Router<ConsoleRequestContext>) {
        router.get("/") { _, context in
            let overview = try await self.overview(now: Timestamp.now.milliseconds)
            return self.pages.html("overview", title: context.language("overview"),
                                   model: ["page": OverviewPage(overview, language: context.language)], context: context)
        }
        router.get("/api/overview") { _, _ in
            ConsolePages.json(try await self.overview(now: Timestamp.now.milliseconds))
        }
        router.get("/api/overview.csv") { _, context in
            let overview = try await self.overview(now: Timestamp.now.milliseconds)
            return Overview.csv.response(overview.rows(context.language), name: "overview", language: context.language)
        }
        router.get("/api/overview/stream") { _, context in
            let session = try context.requireSession()
            let language = context.language
            let body = ResponseBody { writer in
                try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
                var seen: Int?
                var refreshed = ContinuousClock.now
                while !self.closing.isSet, !Task.isCancelled {
                    let generation = self.live.generation
                    if generation != seen || ContinuousClock.now - refreshed >= self.live.maximumAge {
                        let now = Timestamp.now.milliseconds
                        guard now < session.expiresMs else { break }
                        let page = OverviewPage(try await self.overview(now: now), language: language)
                        let data = String(decoding: try HQJSON.encode(page), as: UTF8.self)
                        try await writer.write(ByteBuffer(string: "event: overview\ndata: \(data)\n\n"))
                        seen = generation
                        refreshed = ContinuousClock.now
                    }
                    try await Task.sleep(for: self.live.tick)
                }
                try await writer.finish(nil)
            }
            // A stream's connection is not reused: closed when the stream ends (at shutdown, the server need not wait
            // for the client to go).
            return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", .connection: "close"],
                            body: body)
        }
    }

    private func overview(now: Int64) async throws -> Overview {
        try await self.database.consoleRead(logger: self.logger) { try await Overview.read($0, now: now, logger: self.logger) }
    }
}
