import ArgumentParser
import Foundation
import StoregateConfig
import StoregateCore
import StoregateDaemon
import StoregateEPCIS
import StoregateFoundation
import StoregateLedger

/// `storegate export`: the journal in other formats.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export the ledger's journal in a standard format.", subcommands: [ExportEPCISCommand.self])
}

/// `storegate export epcis`: the journal's receive, sell, sale, return, redeem and void events of a period as a
/// GS1 EPCIS 2.0 JSON-LD document (docs/epcis.md).
struct ExportEPCISCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "epcis",
        abstract: "Write a period's journal events as a GS1 EPCIS 2.0 document.",
        discussion: """
            The store's GLN comes from the config file's store.gln (and store.read_point_extension), its time zone \
            from the ledger's policy (utc_offset_minutes). Times are ISO 8601 with their zone; --from is inclusive, \
            --to exclusive. Exit 0 written, 2 bad input, configuration or ledger error (nothing written then).
            Example: storegate export epcis --from 2026-12-01T00:00:00+08:00 --to 2026-12-02T00:00:00+08:00 --out day.jsonld
            """)

    @Option(help: "The configuration file (default /etc/storegate/storegate.toml).") var config: String?
    @Option(help: "Ledger file (overrides gateway.db).") var db: String?
    @Option(help: "First instant exported, ISO 8601 with zone (2026-12-01T00:00:00+08:00).") var from: String
    @Option(help: "End of the period (not included), ISO 8601 with zone.") var to: String
    @Option(help: "Write the document here instead of standard output (replaced whole, or left alone on error).") var out: String?

    func validate() throws {
        do {
            _ = try EPCISPeriod(from: self.from, to: self.to)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        let configuration = try RunCommand.loadConfiguration(self.config)
        guard let gln = configuration.store.gln else {
            let file = self.config ?? DaemonConfiguration.defaultConfigFile
            printError("config key store.gln: not set in \(file); the EPCIS export names the store by its GLN ([store] gln = \"…\", docs/config.md)")
            throw ExitCode(2)
        }
        do {
            let period = try EPCISPeriod(from: self.from, to: self.to)
            let ledger = try Ledger(path: self.db ?? configuration.databasePath)
            let offset = try ledger.policy().utcOffsetMinutes
            let exporter = try EPCISExporter(gln: gln, readPointExtension: configuration.store.readPointExtension,
                                             utcOffsetMinutes: { _ in offset })
            let document = try exporter.document(payloads: try Self.payloads(ledger, period), period: period, creationDate: .now)
            try EPCISExporter.write(try EPCISExporter.encode(document), to: self.out)
        } catch let error as EPCISExportError {
            printError("error: \(error.description)")
            throw ExitCode(2)
        }
    }

    /// The canonical bytes of the journal's events in `period`, read a page at a time in seq order.
    static func payloads(_ ledger: Ledger, _ period: EPCISPeriod) throws -> [[UInt8]] {
        let pageSize = 10_000
        var payloads: [[UInt8]] = []
        var next: Int64 = 1
        while true {
            let page = try ledger.journal(fromSeq: next, limit: pageSize)
            for event in page where period.contains(event.time.milliseconds) { payloads.append(Array(event.canonicalPayload.utf8)) }
            guard page.count == pageSize, let last = page.last else { return payloads }
            next = last.seq + 1
        }
    }
}
