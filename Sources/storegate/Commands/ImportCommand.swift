import ArgumentParser
import Foundation
import StoregateLedger

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Register a batch of codes from CSV or JSON Lines.",
        discussion: """
            Columns/keys: code (required: raw scan or canonical id), product, lot, expiry (YYYY-MM-DD or YYMMDD),
            parent (case code), campaign, regions (';'-separated regions or store ids). Bad rows are skipped and
            reported with their line numbers; with --strict any bad row aborts the import and nothing is written.
            Codes already registered are left unchanged and reported as duplicates. Exit 0 when every row was
            imported or a duplicate, 1 when rows were rejected, 2 when the file cannot be read.
            """)

    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "The CSV or JSON Lines file.")
    var file: String

    @Option(help: "csv or jsonl (default: from the file name, .jsonl/.ndjson → jsonl).")
    var format: String?

    @Flag(help: "Abort the whole import, writing nothing, if any row is bad.")
    var strict = false

    @Option(help: "Rows per transaction (each batch is sorted by code before insertion).")
    var batchSize = 200_000

    @Option(name: .customLong("cache-mib"), help: "SQLite page cache during the import, in MiB.")
    var cacheMebibytes = 64

    func validate() throws {
        if let format, ImportFormat(rawValue: format) == nil {
            throw ValidationError("--format \(format) is not a format; use csv or jsonl")
        }
        guard self.batchSize > 0 else { throw ValidationError("--batch-size must be at least 1") }
        guard (2...65_536).contains(self.cacheMebibytes) else { throw ValidationError("--cache-mib must be 2…65536") }
    }

    struct JSONReport: Encodable {
        struct Issue: Encodable {
            var line: Int
            var reason: String
        }
        var rows: Int
        var imported: Int
        var duplicates: Int
        var rejected: Int
        var aborted: Bool
        var seconds: Double
        var rows_per_second: Int
        var rejections: [Issue]
        var duplicate_rows: [Issue]
    }

    func run() throws {
        let ledger = try Ledger(path: self.ledger.db)
        let format = self.format.flatMap(ImportFormat.init(rawValue:)) ?? ImportFormat.guess(path: self.file)
        let report = try ledger.importCodes(
            from: self.file, options: ImportOptions(
                format: format, strict: self.strict, batchSize: self.batchSize, cacheMebibytes: self.cacheMebibytes))
        if self.output.json {
            try printJSON(JSONReport(
                rows: report.rowsRead, imported: report.imported, duplicates: report.duplicates, rejected: report.rejected,
                aborted: report.aborted, seconds: report.seconds, rows_per_second: Int(report.rowsPerSecond),
                rejections: report.rejections.map { .init(line: $0.line, reason: $0.reason) },
                duplicate_rows: report.duplicateRows.map { .init(line: $0.line, reason: $0.reason) }))
        } else {
            var text = ""
            for issue in report.rejections { text += "line \(issue.line): rejected: \(issue.reason)\n" }
            if report.rejected > report.rejections.count { text += "… and \(report.rejected - report.rejections.count) more rejected rows\n" }
            for issue in report.duplicateRows { text += "line \(issue.line): duplicate: \(issue.reason)\n" }
            if report.aborted {
                text += "import aborted (--strict): \(report.rejected) bad row(s) of \(report.rowsRead); nothing was imported\n"
            } else {
                text += "\(report.imported) imported, \(report.duplicates) duplicates, \(report.rejected) rejected of "
                    + "\(report.rowsRead) rows in \(String(format: "%.2f", report.seconds)) s (\(Int(report.rowsPerSecond)) rows/s)\n"
            }
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        if report.rejected > 0 { throw ExitCode(1) }
    }
}
