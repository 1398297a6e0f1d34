import ArgumentParser
import Foundation
import StoregateCore
import StoregateGateway
import StoregateLedger

struct LedgerInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Create (or migrate) the ledger and set the store's identity.")
    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "This store's id (as HQ knows it).") var storeId: String
    @Option(help: "This store's sales region (codes restricted to other regions are wrong_region).") var region: String

    func run() throws {
        let ledger = try Ledger(path: self.ledger.db, configuration: LedgerConfiguration(createIfMissing: true))
        try ledger.initialise(storeID: self.storeId, region: self.region)
        _ = try ledger.gatewaySigningKey()
        let gateway = try ledger.gatewayID()
        if self.output.json {
            try printJSON(["db": self.ledger.db, "gateway_id": gateway, "store_id": self.storeId, "region": self.region])
        } else {
            print("ledger \(self.ledger.db): gateway \(gateway), store \(self.storeId), region \(self.region)")
        }
    }
}

struct LedgerStatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stats", abstract: "Codes by state, journal length, outbox backlog, chain head.")
    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var output: OutputOptions

    struct JSONStats: Encodable {
        var gateway_id: String
        var store_id: String
        var region: String
        var codes: [String: Int]
        var provisional: Int
        var journal_length: Int64
        var outbox_undelivered: Int
        var chain_head: String
        var product_sales: Int
        var synchronous: Int
    }

    func run() throws {
        let stats = try Ledger(path: self.ledger.db).stats()
        var codes: [String: Int] = [:]
        for state in CodeState.allCases { codes[state.rawValue] = stats.codesByState[state] ?? 0 }
        if self.output.json {
            try printJSON(JSONStats(
                gateway_id: stats.gatewayID, store_id: stats.storeID, region: stats.region, codes: codes,
                provisional: stats.provisionalCodes, journal_length: stats.journalLength,
                outbox_undelivered: stats.outboxUndelivered, chain_head: stats.chainHead, product_sales: stats.productSales,
                synchronous: stats.synchronous))
        } else {
            print("gateway \(stats.gatewayID), store \(stats.storeID), region \(stats.region), synchronous=\(stats.synchronous == 2 ? "FULL" : String(stats.synchronous))")
            print("codes: " + CodeState.allCases.map { "\($0.rawValue) \(codes[$0.rawValue] ?? 0)" }.joined(separator: ", ")
                + " (provisional \(stats.provisionalCodes))")
            print("products sold: \(stats.productSales)")
            print("journal: \(stats.journalLength) events, chain head \(stats.chainHead)")
            print("outbox: \(stats.outboxUndelivered) undelivered")
        }
    }
}

struct LedgerShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "A code's state and history.")
    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The code (scan or canonical id).") var code: String

    func run() throws {
        let parsed = ScanText.parse(self.code, parser: CodeParser())
        guard let id = parsed.id else {
            throw ValidationError("\(self.code) is not a code: \(parsed.errors.first?.message ?? "unrecognised")")
        }
        let history = try Ledger(path: self.ledger.db).history(codeID: id)
        let record = history.record
        if self.output.json {
            try printJSON(CodeHistoryJSON(id: id, history: history))
        } else {
            if let record {
                var line = "\(id): \(record.state.rawValue)\(record.provisional ? " (provisional)" : "")"
                if let product = record.product { line += ", product \(product)" }
                if let expiry = record.expiry { line += ", expires \(expiry)" }
                if let parent = record.parent { line += ", in case \(parent)" }
                if let campaign = record.campaign { line += ", campaign \(campaign)" }
                if !record.regions.isEmpty { line += ", regions \(record.regions.joined(separator: ";"))" }
                if let reason = record.revokedReason { line += ", revoked: \(reason)" }
                print(line)
            } else {
                print("\(id): not in the registry")
            }
            for event in history.events { print("  " + JournalEventJSON(event).humanLine) }
        }
    }
}

struct LedgerJournalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "journal", abstract: "List journal events.")
    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "First sequence number.") var from: Int64 = 1
    @Option(help: "How many events at most.") var limit = 100

    func run() throws {
        let events = try Ledger(path: self.ledger.db).journal(fromSeq: self.from, limit: max(0, self.limit))
        for event in events {
            if self.output.json { try printJSON(JournalEventJSON(event)) } else { print(JournalEventJSON(event).humanLine) }
        }
    }
}

struct LedgerCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Integrity check, hash chain, gap-free sequence, outbox coverage. Exit 1 if broken.")
    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var output: OutputOptions
    @Flag(help: "SQLite quick_check instead of the full integrity_check (faster on big registries).") var quick = false

    struct JSONCheck: Encodable {
        var ok: Bool
        var integrity: [String]
        var events_checked: Int64
        var first_broken_seq: Int64?
        var problems: [String]
    }

    func run() throws {
        let report = try Ledger(path: self.ledger.db).check(quick: self.quick)
        if self.output.json {
            try printJSON(JSONCheck(ok: report.isOK, integrity: report.integrity, events_checked: report.eventsChecked,
                                    first_broken_seq: report.firstBrokenSeq, problems: report.problems))
        } else {
            print("integrity: \(report.integrity.joined(separator: "; "))")
            print("journal: \(report.eventsChecked) events checked")
            for problem in report.problems { print("BROKEN \(problem)") }
            print(report.isOK ? "ok" : "ledger check FAILED (first broken event: \(report.firstBrokenSeq.map(String.init) ?? "-"))")
        }
        if !report.isOK { throw ExitCode(1) }
    }
}
