import Foundation
import Hummingbird

/// One table of a page as CSV: the columns (key and header in the reader's language) and how each row fills them.
/// RFC 4180 quoting; a cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) is prefixed with
/// `'`. A UTF-8 byte order mark first, so that spreadsheet programs read the Chinese names right.
struct CSVTable<Row>: Sendable {
    var columns: [(key: String, value: @Sendable (Row) -> String)]

    func render(_ rows: [Row], language: ConsoleLanguage) -> String {
        var text = "\u{FEFF}" + self.columns.map { Self.cell(language($0.key)) }.joined(separator: ",") + "\r\n"
        for row in rows {
            text += self.columns.map { Self.cell($0.value(row)) }.joined(separator: ",") + "\r\n"
        }
        return text
    }

    func response(_ rows: [Row], name: String, language: ConsoleLanguage) -> Response {
        let name = String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "_" })
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                                .contentDisposition: "attachment; filename=\"\(name).csv\"",
                                                .cacheControl: "no-store"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: self.render(rows, language: language))))
    }

    static func cell(_ value: String) -> String {
        var value = value
        if let first = value.first, "=+-@\t\r".contains(first), Int64(value) == nil { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
