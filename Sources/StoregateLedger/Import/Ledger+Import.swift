import Foundation
import GRDB
public import StoregateCore

/// The file formats `storegate import` reads.
public enum ImportFormat: String, Sendable, CaseIterable {
    case csv
    case jsonl

    /// Guesses from the file name: `.jsonl`/`.ndjson` are JSON Lines, anything else CSV.
    public static func guess(path: String) -> ImportFormat {
        path.hasSuffix(".jsonl") || path.hasSuffix(".ndjson") ? .jsonl : .csv
    }
}

public struct ImportOptions: Sendable {
    public var format: ImportFormat
    /// When true any bad row aborts the import before anything is written.
    public var strict: Bool
    /// Rows per transaction: big enough that the per-commit fsync does not matter.
    public var batchSize: Int
    /// How many rejected (and duplicate) rows are listed in the report; all are counted.
    public var maximumListed: Int
    /// Parses rows whose `code` is a raw scan rather than a canonical id.
    public var parser: CodeParser

    public init(format: ImportFormat = .csv, strict: Bool = false, batchSize: Int = 50_000, maximumListed: Int = 20,
                parser: CodeParser = CodeParser()) {
        self.format = format
        self.strict = strict
        self.batchSize = max(1, batchSize)
        self.maximumListed = maximumListed
        self.parser = parser
    }
}

/// One row that was not imported, by its line in the file.
public struct ImportRowIssue: Sendable, Equatable {
    public var line: Int
    public var reason: String
}

public struct ImportReport: Sendable, Equatable {
    public var rowsRead = 0
    public var imported = 0
    /// Rows whose code is already registered: left as they are (never overwritten), counted and listed.
    public var duplicates = 0
    public var rejected = 0
    /// The first ``ImportOptions/maximumListed`` rejected rows.
    public var rejections: [ImportRowIssue] = []
    /// The first ``ImportOptions/maximumListed`` duplicate rows.
    public var duplicateRows: [ImportRowIssue] = []
    /// True when `strict` found bad rows and nothing was written.
    public var aborted = false
    public var seconds = 0.0

    public var rowsPerSecond: Double { self.seconds > 0 ? Double(self.rowsRead) / self.seconds : 0 }
}

extension Ledger {
    /// Imports a batch of codes from a CSV or JSON Lines file, streaming, in transactions of
    /// ``ImportOptions/batchSize`` rows. Bad rows are skipped and reported with their line numbers (or, with
    /// `strict`, abort the import before anything is written); codes already registered are not overwritten.
    ///
    /// - Throws: ``LedgerError`` `importFailed` when the file cannot be read or has no `code` column.
    public func importCodes(from path: String, options: ImportOptions = ImportOptions()) throws -> ImportReport {
        let started = DispatchTime.now().uptimeNanoseconds
        var report = ImportReport()
        if options.strict {
            report = try self.validateOnly(path: path, options: options)
            if report.rejected > 0 {
                report.aborted = true
                report.seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                return report
            }
            report = ImportReport()
        }
        let source = try Self.source(path: path, format: options.format)
        var finished = false
        while !finished {
            try self.writer.write { db in
                let insert = try db.cachedStatement(sql: """
                    INSERT INTO codes(id, kind, product, lot, expiry, parent, campaign, regions)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING
                    """)
                var count = 0
                while count < options.batchSize {
                    guard let raw = try source.next() else {
                        finished = true
                        return
                    }
                    count += 1
                    report.rowsRead += 1
                    let row: ImportRow
                    do throws(RowError) {
                        row = try Self.validate(raw, options: options)
                    } catch {
                        Self.note(&report.rejections, count: &report.rejected, line: raw.line, error.message, options)
                        continue
                    }
                    try insert.execute(arguments: [
                        row.id, row.kind.rawValue, row.product, row.lot, row.expiry?.description, row.parent,
                        row.campaign, row.regions,
                    ])
                    if db.changesCount == 0 {
                        Self.note(&report.duplicateRows, count: &report.duplicates, line: raw.line,
                                  "\(row.id) is already registered; left unchanged", options)
                    } else {
                        report.imported += 1
                    }
                }
            }
        }
        report.seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return report
    }

    /// The strict pass: reads every row and counts the bad ones, writing nothing.
    private func validateOnly(path: String, options: ImportOptions) throws -> ImportReport {
        var report = ImportReport()
        let source = try Self.source(path: path, format: options.format)
        while let raw = try source.next() {
            report.rowsRead += 1
            do throws(RowError) {
                _ = try Self.validate(raw, options: options)
            } catch {
                Self.note(&report.rejections, count: &report.rejected, line: raw.line, error.message, options)
            }
        }
        return report
    }

    private static func validate(_ raw: SourceRow, options: ImportOptions) throws(RowError) -> ImportRow {
        if let problem = raw.problem { throw RowError(problem) }
        return try ImportRow.make(raw.values, parser: options.parser)
    }

    private static func note(_ list: inout [ImportRowIssue], count: inout Int, line: Int, _ reason: String, _ options: ImportOptions) {
        count += 1
        if list.count < options.maximumListed { list.append(ImportRowIssue(line: line, reason: reason)) }
    }

    private static func source(path: String, format: ImportFormat) throws -> any ImportSource {
        switch format {
        case .csv: return try CSVImportSource(path: path)
        case .jsonl: return try JSONLinesImportSource(path: path)
        }
    }
}
