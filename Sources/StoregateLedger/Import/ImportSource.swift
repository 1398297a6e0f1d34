import Foundation

/// One row of an import file before validation.
struct SourceRow {
    var line: Int
    /// Texts in ``ImportRow/knownColumns`` slot order (nil: column absent); meaningless when `problem` is set.
    var values: [String?]
    var problem: String?
}

protocol ImportSource {
    func next() throws -> SourceRow?
}

/// CSV with a header row naming the columns (`code` required).
final class CSVImportSource: ImportSource {
    private let records: CSVRecordReader
    /// For each slot of ``ImportRow/knownColumns``, the CSV field index holding it.
    private let slots: [Int?]
    private let columnCount: Int

    init(path: String) throws {
        self.records = CSVRecordReader(bytes: try ByteChunkReader(path: path))
        guard let header = try self.records.next(), header.problem == nil else {
            throw LedgerError(.importFailed, "\(path) has no CSV header row: the first line must name the columns, e.g. `code,product,expiry`")
        }
        var names = header.fields.map { $0.trimmingSpaces().lowercased() }
        if let first = names.first, first.hasPrefix("\u{FEFF}") { names[0] = String(first.dropFirst()) }  // UTF-8 BOM
        guard names.contains("code") else {
            throw LedgerError(.importFailed, "\(path): the CSV header has no `code` column (found: \(names.joined(separator: ", "))); "
                + "name the column holding the scans or canonical ids `code`")
        }
        self.slots = ImportRow.knownColumns.map { names.firstIndex(of: $0) }
        self.columnCount = names.count
    }

    func next() throws -> SourceRow? {
        while let record = try self.records.next() {
            if record.problem == nil, record.fields.count == 1, record.fields[0].isEmpty { continue }  // blank line
            if let problem = record.problem { return SourceRow(line: record.line, values: [], problem: problem) }
            guard record.fields.count == self.columnCount else {
                return SourceRow(line: record.line, values: [],
                                 problem: "has \(record.fields.count) fields, the header has \(self.columnCount)")
            }
            let values = self.slots.map { $0.map { record.fields[$0] } }
            return SourceRow(line: record.line, values: values, problem: nil)
        }
        return nil
    }
}

/// JSON Lines: one object per line with the same keys as the CSV columns.
final class JSONLinesImportSource: ImportSource {
    private let bytes: ByteChunkReader
    private var line = 0
    static let maximumLineLength = 16 * 1024

    init(path: String) throws {
        self.bytes = try ByteChunkReader(path: path)
    }

    func next() throws -> SourceRow? {
        while true {
            var buffer: [UInt8] = []
            var tooLong = false
            var sawByte = false
            while let byte = try self.bytes.next() {
                sawByte = true
                if byte == UInt8(ascii: "\n") { break }
                if buffer.count < Self.maximumLineLength { buffer.append(byte) } else { tooLong = true }
            }
            guard sawByte else { return nil }
            self.line += 1
            if buffer.last == UInt8(ascii: "\r") { buffer.removeLast() }
            if buffer.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            if tooLong { return SourceRow(line: self.line, values: [], problem: "line is longer than \(Self.maximumLineLength) bytes") }
            guard let object = try? JSONSerialization.jsonObject(with: Data(buffer)) as? [String: Any] else {
                return SourceRow(line: self.line, values: [], problem: "not a JSON object")
            }
            var values = [String?](repeating: nil, count: ImportRow.knownColumns.count)
            for (slot, key) in ImportRow.knownColumns.enumerated() {
                switch object[key] {
                case nil, is NSNull: continue
                case let text as String: values[slot] = text
                case let list as [String] where key == "regions": values[slot] = list.joined(separator: ";")
                default:
                    return SourceRow(line: self.line, values: [], problem: "key \(key) must be a string")
                }
            }
            return SourceRow(line: self.line, values: values, problem: nil)
        }
    }
}
