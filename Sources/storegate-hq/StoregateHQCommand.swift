import ArgumentParser
import Foundation
import Logging
import StoregateContract
import StoregateHQ
import StoregateHQConsole
import PostgresNIO
import ServiceLifecycle

@main
struct StoregateHQCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "storegate-hq",
        abstract: "HQ's system of record: every store's events in PostgreSQL exactly once, gaps healed, chains checked, alerts, the signed downlink.",
        discussion: "Exit status: 0 success, 1 a check found problems, 2 usage, configuration or I/O error. docs/hq.md.",
        subcommands: [RunCommand.self, MigrateCommand.self, StoresCommand.self, StatusCommand.self, SimulateCommand.self, CodesCommand.self,
                      UsersCommand.self, ExportCommand.self, LeaveCommand.self])
}

struct ConfigOption: ParsableArguments {
    @Option(help: "The configuration file.") var config = "/etc/storegate/hq.toml"

    func load() throws -> HQConfiguration {
        do {
            return try HQConfigLoader.load(path: self.config)
        } catch {
            FileHandle.standardError.write(Data("storegate-hq: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    /// The instance `configuration` describes, or exit 2 saying why it cannot run (an unreadable downlink key, …).
    func application(_ configuration: HQConfiguration, logger: Logger) throws -> HQApplication {
        do {
            return try HQApplication(configuration: configuration, logger: logger)
        } catch {
            FileHandle.standardError.write(Data("storegate-hq: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    func logger(_ configuration: HQConfiguration, label: String) -> Logger {
        var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .info
        return logger
    }
}

/// Runs `body` once the database pool runs, then shuts the pool down.
func withDatabase<Result: Sendable>(_ configuration: HQConfiguration, logger: Logger,
                                    _ body: @Sendable (HQDatabase) async throws -> Result) async throws -> Result {
    let database = HQDatabase(configuration: configuration.database, logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await database.run() }
        defer { group.cancelAll() }
        try await database.waitUntilRunning()
        return try await body(database)
    }
}

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run an instance: ingest from the broker's shared subscription, periodic jobs, downlink (until SIGTERM).")
    @OptionGroup var options: ConfigOption

    func run() async throws {
        let configuration = try self.options.load()
        let logger = self.options.logger(configuration, label: "storegate-hq")
        let application = try self.options.application(configuration, logger: logger)
        var readers: [any Service] = []
        if configuration.console.listen != nil {
            do {
                readers.append(try ConsoleServer(configuration: configuration, database: application.database, logger: logger))
            } catch {
                FileHandle.standardError.write(Data("storegate-hq: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        logger.notice("storegate-hq starting", metadata: ["broker": "\(configuration.mqtt.url)", "client_id": "\(configuration.mqtt.clientID)",
                                                          "database": "\(configuration.database.host):\(configuration.database.port)/\(configuration.database.name)",
                                                          "console": "\(configuration.console.listen ?? "off")"])
        try await application.serviceGroup(logger: logger, readers: readers).run()
        let statistics = application.statistics.snapshot
        logger.notice("storegate-hq stopped", metadata: ["stored": "\(statistics.stored)", "duplicates": "\(statistics.duplicates)",
                                                         "invalid": "\(statistics.invalid)", "batches": "\(statistics.batches)"])
    }
}

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Apply the database migrations this database lacks.")
    @OptionGroup var options: ConfigOption

    func run() async throws {
        let configuration = try self.options.load()
        let logger = self.options.logger(configuration, label: "storegate-hq")
        let applied = try await withDatabase(configuration, logger: logger) { try await $0.migrate() }
        print(applied.isEmpty ? "the database is up to date" : applied.map { "applied \($0.version): \($0.name)" }.joined(separator: "\n"))
    }
}

struct StoresCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stores", abstract: "The stores HQ knows.", subcommands: [StoresImportCommand.self])
}

struct StoresImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Add or update stores from a CSV file with the header \(StoreDirectory.columns.joined(separator: ",")).")
    @OptionGroup var options: ConfigOption
    @Argument(help: "The CSV file.") var file: String

    func run() async throws {
        let configuration = try self.options.load()
        let logger = self.options.logger(configuration, label: "storegate-hq")
        let bytes: Data
        do {
            bytes = try Data(contentsOf: URL(fileURLWithPath: self.file))
        } catch {
            FileHandle.standardError.write(Data("storegate-hq: cannot read \(self.file): \(error.localizedDescription)\n".utf8))
            throw ExitCode(2)
        }
        guard let text = String(data: bytes, encoding: .utf8) else {
            // What a spreadsheet saved as plain "CSV" on a Chinese Windows writes (GBK).
            FileHandle.standardError.write(Data("""
                storegate-hq: \(self.file) is not UTF-8 text (saved as GBK/ANSI?): save it as "CSV UTF-8" and import it again; \
                nothing was imported\n
                """.utf8))
            throw ExitCode(2)
        }
        let stores: [StoreDirectory.Store]
        do {
            stores = try StoreDirectory.parse(text)
        } catch {
            FileHandle.standardError.write(Data("storegate-hq: \(self.file): \(error)\n".utf8))
            throw ExitCode(2)
        }
        let count = try await withDatabase(configuration, logger: logger) { database in
            try await database.migrate()
            return try await StoreDirectory.importStores(stores, into: database)
        }
        print("imported \(count) stores")
    }
}

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Events/s, gateways, gaps, alerts, downlink (exit 1 if gaps or alerts are open).")
    @OptionGroup var options: ConfigOption
    @Flag(help: "JSON for machines.") var json = false
    @Option(help: "Seconds over which events/s is measured.") var sample: Double = 1

    func run() async throws {
        let configuration = try self.options.load()
        let logger = self.options.logger(configuration, label: "storegate-hq")
        let report = try await withDatabase(configuration, logger: logger) { try await HQStatusReport.read($0, sampleSeconds: self.sample) }
        if self.json {
            print(String(decoding: try HQJSON.encode(report), as: UTF8.self))
        } else {
            print("""
                stores \(report.stores), gateways \(report.gateways) (\(report.gatewaysOffline) offline)
                events \(report.events) (duplicates dropped \(report.duplicates)), \(String(format: "%.0f", report.eventsPerSecond)) events/s
                lag: \(report.newestEventAgeMs.map { "the newest event stored was written \(String(format: "%.1f", Double($0) / 1_000)) s ago at its store" } ?? "no event stored since yesterday")
                gaps: \(report.gatewaysWithGaps) gateways, \(report.missingEvents) events missing, \(report.requeuesOpen) requeues open
                alerts open: \(report.openAlerts.isEmpty ? "none" : report.openAlerts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
                downlink waiting to be sent: \(report.downlinkUnpublished)
                """)
        }
        if report.gatewaysWithGaps > 0 || !report.openAlerts.isEmpty { throw ExitCode(1) }
    }
}

struct CodesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "codes", abstract: "Code batches.", subcommands: [CodesIssueCommand.self])
}

struct CodesIssueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue",
        abstract: "Issue unit codes for a GTIN and send them, signed, to every store of a region; tracked until each store reports.")
    @OptionGroup var options: ConfigOption
    @Option(help: "The GTIN-14 (check digit verified).") var gtin: String
    @Option(help: "How many unit codes (1–1,000,000).") var count: Int
    @Option(help: "The campaign the codes take part in.") var campaign: String?
    @Option(help: "The stores' region (as in stores.csv and the gateways' policy).") var region: String
    @Option(help: "Product name stored with the codes.") var product: String?
    @Option(help: "What one redemption of a code costs (the store is reimbursed it), in the stores' currency: 1.50.") var reward: String?
    @Option(help: "When the campaign's redemptions start (2026-12-01, 2026-12-01T08:00 UTC, or ISO 8601 with an offset); a new campaign starts now.")
    var campaignStarts: String?
    @Option(help: "When they end; a new campaign runs \(CodeBatchIssuer.defaultCampaignDays) days.") var campaignEnds: String?
    @Flag(help: "The campaign redeems only units the store sold.") var soldHereFirst = false
    @Option(help: "Write the codes, one per line, to this file (for printing).") var out: String?

    func run() async throws {
        let configuration = try self.options.load()
        let logger = self.options.logger(configuration, label: "storegate-hq")
        let request = try self.request()
        let issued = try await Self.issue(request, configuration: configuration, logger: logger)
        try self.report(issued)
    }

    // Not optimised: the release build's optimizer (LLVM splitting this async function into its coroutine parts)
    // crashed the Swift compiler with signal 11 on it. It only waits for the database.
    @_optimize(none)
    private static func issue(_ request: CodeBatchIssuer.Request, configuration: HQConfiguration, logger: Logger) async throws
        -> CodeBatchIssuer.Issued {
        try await withDatabase(configuration, logger: logger) { database in
            try await database.migrate()
            return try await CodeBatchIssuer(database: database, configuration: configuration).issue(request)
        }
    }

    /// The batch asked for, checked; a bad option is exit 2 with what is wrong.
    private func request() throws -> CodeBatchIssuer.Request {
        var reward: Int64 = 0
        if let text = self.reward {
            guard let value = CodeBatchIssuer.minorUnits(text) else {
                throw Self.usage("--reward \(text): an amount such as 1.50 (at most two decimals)")
            }
            reward = value
        }
        let request = CodeBatchIssuer.Request(gtin: self.gtin, count: self.count, campaign: self.campaign, region: self.region,
                                              product: self.product, rewardMinor: reward,
                                              campaignStartsMs: try Self.time(self.campaignStarts, "campaign-starts"),
                                              campaignEndsMs: try Self.time(self.campaignEnds, "campaign-ends"),
                                              soldHereFirst: self.soldHereFirst ? true : nil)
        do {
            try CodeBatchIssuer.check(request)
        } catch {
            throw Self.usage("\(error)")
        }
        return request
    }

    private static func time(_ text: String?, _ option: String) throws -> Int64? {
        guard let text else { return nil }
        guard let value = CodeBatchIssuer.milliseconds(text) else {
            throw Self.usage("--\(option) \(text): write a date (2026-12-01) or an ISO 8601 time")
        }
        return value
    }

    private static func usage(_ problem: String) -> ExitCode {
        FileHandle.standardError.write(Data("storegate-hq: \(problem)\n".utf8))
        return ExitCode(2)
    }

    private func report(_ issued: CodeBatchIssuer.Issued) throws {
        if let out = self.out {
            try (issued.codes.joined(separator: "\n") + "\n").write(toFile: out, atomically: true, encoding: .utf8)
        }
        print("batch \(issued.batchID): \(issued.codes.count) codes, \(issued.messages) signed messages to \(issued.stores.count) stores of \(self.region)"
              + (issued.stores.isEmpty ? " (no store of that region is known: import stores first)" : ""))
        if let campaign = issued.campaign {
            let format = Date.ISO8601FormatStyle()
            print("campaign \(campaign.name): redemptions from \(Date(timeIntervalSince1970: Double(campaign.startsMs) / 1_000).formatted(format))"
                  + " to \(Date(timeIntervalSince1970: Double(campaign.endsMs) / 1_000).formatted(format))"
                  + (campaign.soldHereFirst ? ", only of units the store sold" : ""))
        }
    }
}
