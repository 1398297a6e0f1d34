/// RFC 4180 CSV records from a byte stream: quoted fields (with `""` escapes and line breaks inside), LF or CRLF.
/// Each record comes with the line number it starts on, for error messages.
final class CSVRecordReader {
    /// Longest field kept; longer fields make the record an error instead of growing memory without bound.
    static let maximumFieldLength = 4096

    struct Record {
        var line: Int
        var fields: [String]
        /// Set when the record could not be read as CSV (the fields are then meaningless).
        var problem: String?
    }

    private let bytes: ByteChunkReader
    private var line = 1

    init(bytes: ByteChunkReader) {
        self.bytes = bytes
    }

    func next() throws -> Record? {
        var fields: [String] = []
        var field: [UInt8] = []
        field.reserveCapacity(64)
        var inQuotes = false
        var quotedField = false
        var problem: String?
        let startLine = self.line
        var sawAnything = false
        while true {
            guard let byte = try self.bytes.next() else {
                if !sawAnything { return nil }
                if inQuotes { problem = problem ?? "a quoted field is not closed before the end of the file" }
                fields.append(String(decoding: field, as: UTF8.self))
                return Record(line: startLine, fields: fields, problem: problem)
            }
            sawAnything = true
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    inQuotes = false
                } else {
                    if byte == UInt8(ascii: "\n") { self.line += 1 }
                    if field.count < Self.maximumFieldLength { field.append(byte) } else { problem = problem ?? "a field is longer than \(Self.maximumFieldLength) bytes" }
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                if quotedField {
                    field.append(byte)  // "" inside a quoted field is one quote
                    inQuotes = true
                } else if field.isEmpty {
                    inQuotes = true
                    quotedField = true
                } else {
                    problem = problem ?? "a quote appears inside an unquoted field (quote the whole field)"
                    field.append(byte)
                }
            case UInt8(ascii: ","):
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
                quotedField = false
            case UInt8(ascii: "\n"):
                self.line += 1
                if field.last == UInt8(ascii: "\r") && !quotedField { field.removeLast() }
                fields.append(String(decoding: field, as: UTF8.self))
                return Record(line: startLine, fields: fields, problem: problem)
            case UInt8(ascii: "\r") where quotedField:
                break  // CR after a closing quote, before LF
            default:
                if quotedField { problem = problem ?? "text after a closing quote" }
                if field.count < Self.maximumFieldLength { field.append(byte) } else { problem = problem ?? "a field is longer than \(Self.maximumFieldLength) bytes" }
            }
        }
    }
}
