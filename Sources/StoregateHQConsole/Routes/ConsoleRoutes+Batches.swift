import Foundation
import Hummingbird
import Logging
import PostgresNIO
import StoregateCore
import StoregateFoundation
import StoregateHQ

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
        guard let id = context.parameters.get("id"), !id.isEmpty else { throw .badRequest("err_name_batch") }
        return id
    }
}

extension ConsoleRoutes {
    /// The most codes one batch issued from the console may hold (the command line issues up to 1,000,000).
    static let consoleBatchLimit = 100_000

    /// `POST /batches` (operators and admins): issues a batch through ``CodeBatchIssuer``, the same path as
    /// `storegate-hq codes issue`, and shows its page. `GET /api/batches/{id}/codes.csv` (operators and admins): the
    /// batch's codes, for printing.
    func registerCodeIssuing(on router: Router<ConsoleRequestContext>) {
        router.post("/batches") { _, context in
            let session = try context.requireSession()
            guard session.role.canAct else { throw ConsoleError.notAllowed(session, "err_only_operators_issue") }
            guard let issuer = self.issuer else { throw ConsoleError(.serviceUnavailable, key: "err_no_signing_key") }
            let request = try Self.issueRequest(context.form)
            let issued: CodeBatchIssuer.Issued
            do {
                issued = try await issuer.issue(request)
            } catch let error as CampaignEndsBeforeItStarts {
                throw ConsoleError(.badRequest, key: "err_campaign_ends_before_start", .text(error.campaign))
            } catch let error as HQError {
                throw ConsoleError(.badRequest, key: "err_issue_failed", .text(error.description))
            }
            self.logger.notice("codes issued from the console", metadata: [
                "user": "\(session.user)", "batch": "\(issued.batchID)", "codes": "\(issued.codes.count)", "stores": "\(issued.stores.count)",
                "campaign": "\(request.campaign ?? "")"])
            return Self.redirect("/batches/\(issued.batchID)")
        }
        router.get("/api/batches/{id}/codes.csv") { _, context in
            let session = try context.requireSession()
            guard session.role.canAct else { throw ConsoleError.notAllowed(session, "err_only_operators_issue") }
            let id = try Self.batchID(context)
            let codes = try await self.database.consoleRead(logger: self.logger) { connection in
                var codes: [String] = []
                let rows = try await connection.query("SELECT code FROM batch_codes WHERE batch_id = \(id) ORDER BY code", logger: self.logger)
                for try await code in rows.decode(String.self) { codes.append(code) }
                return codes
            }
            guard !codes.isEmpty else { throw ConsoleError.notFound("err_no_batch", .text(id)) }
            return Self.codesCSV.response(codes, name: "\(id)-codes", language: context.language)
        }
    }

    static let codesCSV = CSVTable<String>(columns: [("code", { $0 })])

    /// The issue form's fields as a request, each problem named in the reader's language. Dates without a time
    /// (the form's date fields) are midnight China Standard Time.
    static func issueRequest(_ form: [String: String]) throws(ConsoleError) -> CodeBatchIssuer.Request {
        func field(_ key: String) -> String? {
            guard let value = form[key]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
            return value
        }
        let gtin = field("gtin") ?? ""
        guard gtin.utf8.count == 14, GS1CheckDigits.isValidMod10(Array(gtin.utf8)) else { throw .badRequest("err_gtin", .text(gtin)) }
        let countText = field("count") ?? ""
        guard let count = Int(countText), (1...Self.consoleBatchLimit).contains(count) else {
            throw .badRequest("err_count", .text(countText), "\(Self.consoleBatchLimit)")
        }
        guard let region = field("region") else { throw .badRequest("err_region") }
        var reward: Int64 = 0
        if let text = field("reward") {
            guard let value = CodeBatchIssuer.minorUnits(text), value <= 100_000_000 else { throw .badRequest("err_reward", .text(text)) }
            reward = value
        }
        let campaign = field("campaign")
        if let campaign, !(1...64).contains(campaign.count) || campaign.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw .badRequest("err_campaign_name", .text(campaign))
        }
        func time(_ key: String) throws(ConsoleError) -> Int64? {
            guard let text = field(key) else { return nil }
            let written = text.count == 10 ? text + "T00:00:00+08:00" : text
            guard let value = CodeBatchIssuer.milliseconds(written) else { throw .badRequest("err_time", .text(text)) }
            return value
        }
        let starts = try time("campaign_starts"), ends = try time("campaign_ends")
        let soldHereFirst: Bool? = form["sold_here_first"] == nil ? nil : true
        if campaign == nil, starts != nil || ends != nil || soldHereFirst != nil { throw .badRequest("err_campaign_fields") }
        if let starts, let ends, ends <= starts { throw .badRequest("err_campaign_window") }
        return CodeBatchIssuer.Request(gtin: gtin, count: count, campaign: campaign, region: region, product: field("product"),
                                       rewardMinor: reward, campaignStartsMs: starts, campaignEndsMs: ends, soldHereFirst: soldHereFirst)
    }
}
