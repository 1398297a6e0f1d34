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
    /// Rows per transaction, sorted by id before insertion: big enough that commits and checkpoints are rare.
    public var batchSize: Int
    /// How many rejected (and duplicate) rows are listed in the report; all are counted.
    public var maximumListed: Int
    /// Parses rows whose `code` is a raw scan rather than a canonical id.
    public var parser: CodeParser
    /// SQLite page cache on the writer during the import; bigger keeps more of the codes B-tree in memory.
    public var cacheMebibytes: Int

    public init(format: ImportFormat = .csv, strict: Bool = false, batchSize: Int = 200_000, maximumListed: Int = 20,
                parser: CodeParser = CodeParser(), cacheMebibytes: Int = 64) {
        self.format = format
        self.strict = strict
        self.batchSize = max(1, batchSize)
        self.maximumListed = maximumListed
        self.parser = parser
        self.cacheMebibytes = cacheMebibytes
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
        var batch: [(line: Int, row: ImportRow)] = []
        batch.reserveCapacity(options.batchSize)
        var order: [Int] = []
        order.reserveCapacity(options.batchSize)
        var exhausted = false
        try self.withCacheSize(mebibytes: options.cacheMebibytes) {
            while !exhausted {
                batch.removeAll(keepingCapacity: true)
                while batch.count < options.batchSize {
                    guard let raw = try source.next() else {
                        exhausted = true
                        break
                    }
                    report.rowsRead += 1
                    do throws(RowError) {
                        batch.append((raw.line, try Self.validate(raw, options: options)))
                    } catch {
                        Self.note(&report.rejections, count: &report.rejected, line: raw.line, error.message, options)
                    }
                }
                guard !batch.isEmpty else { break }
                // In key order the batch walks the B-tree once, page after page; random serials in file order would
                // touch pages at random and miss the cache on nearly every row. Ties keep file order, so the first
                // occurrence of a duplicated code is the one imported.
                order.removeAll(keepingCapacity: true)
                order.append(contentsOf: batch.indices)
                order.sort { left, right in
                    let (a, b) = (batch[left].row.id, batch[right].row.id)
                    return a != b ? a < b : left < right
                }
                try self.writer.write { db in
                    let insert = try CodeInsert(db)
                    for index in order {
                        let (line, row) = batch[index]
                        if try insert.insert(row, in: db) {
                            report.imported += 1
                        } else {
                            Self.note(&report.duplicateRows, count: &report.duplicates, line: line,
                                      "\(row.id) is already registered; left unchanged", options)
                        }
                    }
                }
            }
        }
        report.duplicateRows.sort { $0.line < $1.line }
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

    /// Runs `body` with a larger page cache on the writer (a fixed size, so memory stays constant whatever the
    /// file's size), restoring the previous size afterwards.
    private func withCacheSize(mebibytes: Int, _ body: () throws -> Void) throws {
        let previous = try self.writer.writeWithoutTransaction { db -> Int in
            let previous = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
            try db.execute(sql: "PRAGMA cache_size = \(-max(2, mebibytes) * 1024)")
            return previous
        }
        defer { try? self.writer.writeWithoutTransaction { try $0.execute(sql: "PRAGMA cache_size = \(previous)") } }
        try body()
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
