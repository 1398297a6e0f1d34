import ArgumentParser
import Foundation
import StoregateCore
import StoregateEPCIS
import StoregateFoundation
import StoregateHQ
import PostgresNIO

/// `storegate-hq export`: a store's events as HQ holds them, in a standard format.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export a store's events in a standard format.", subcommands: [ExportEPCISCommand.self])
}

/// `storegate-hq export epcis`: the same document `storegate export epcis` writes at the store (docs/epcis.md), from
/// the canonical payloads in HQ's `events` table.
struct ExportEPCISCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "epcis",
        abstract: "Write a store's events of a period as a GS1 EPCIS 2.0 document.",
        discussion: """
            Every gateway of the store, in event time order. The store's time zone is its stores.time_zone \
            (Asia/Shanghai for a store without a row). Times are ISO 8601 with their zone; --from is inclusive, --to \
            exclusive. Exit 0 written, 2 bad input, configuration or database error (nothing written then).
            """)

    @OptionGroup var options: ConfigOption
    @Option(help: "The store's id.") var store: String
    @Option(help: "The store's GLN (13 digits): the events' bizLocation.") var gln: String
    @Option(name: .customLong("read-point-extension"), help: "A GLN extension (AI 254) for the events' readPoint.")
    var readPointExtension: String?
    @Option(help: "First instant exported, ISO 8601 with zone (2026-12-01T00:00:00+08:00).") var from: String
    @Option(help: "End of the period (not included), ISO 8601 with zone.") var to: String
    @Option(help: "Write the document here instead of standard output (replaced whole, or left alone on error).") var out: String?

    func run() async throws {
        let configuration = try self.options.load()
        let logger = self.options.logger(configuration, label: "storegate-hq")
        let store = self.store
        do {
            // The period and the place first: bad input touches no database and writes nothing.
            let period = try EPCISPeriod(from: self.from, to: self.to)
            try EPCISExporter.checkPlace(gln: self.gln, readPointExtension: self.readPointExtension)
            let (zoneName, payloads) = try await withDatabase(configuration, logger: logger) { database in
                let zones = try await database.client.query("SELECT time_zone FROM stores WHERE store_id = \(store)", logger: logger)
                var zoneName = "Asia/Shanghai"
                for try await name in zones.decode(String.self) { zoneName = name }
                // `day` is the UTC day of time_ms: bounding it too reads only the period's partitions.
                let firstDay = period.from.utcDate.description, lastDay = period.to.utcDate.description
                let rows = try await database.client.query("""
                    SELECT payload FROM events
                    WHERE store_id = \(store) AND day BETWEEN \(firstDay)::date AND \(lastDay)::date
                      AND time_ms >= \(period.from.milliseconds) AND time_ms < \(period.to.milliseconds)
                    ORDER BY time_ms, gateway_id, seq
                    """, logger: logger)
                var payloads: [[UInt8]] = []
                for try await payload in rows.decode(ByteBuffer.self) { payloads.append(Array(payload.readableBytesView)) }
                return (zoneName, payloads)
            }
            guard let zone = TimeZone(identifier: zoneName) else {
                throw EPCISExportError("store \(store): time zone \(zoneName) is not an IANA time zone")
            }
            let exporter = try EPCISExporter(gln: self.gln, readPointExtension: self.readPointExtension) { milliseconds in
                zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(milliseconds) / 1_000)) / 60
            }
            let document = try exporter.document(payloads: payloads, period: period, creationDate: .now)
            try EPCISExporter.write(try EPCISExporter.encode(document), to: self.out)
        } catch {
            let message = (error as? EPCISExportError)?.description ?? String(reflecting: error)
            FileHandle.standardError.write(Data("storegate-hq: \(message)\n".utf8))
            throw ExitCode(2)
        }
    }
}
