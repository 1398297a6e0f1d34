import Foundation
import Logging
import PostgresNIO

/// The stores HQ knows: where each is (region code as the gateways' policy names it, and the region path province →
/// city → county → township), who supplies it and its time zone. Imported from CSV.
public enum StoreDirectory {
    /// The CSV columns, in order (a header row naming them is required).
    public static let columns = ["store_id", "name", "region", "province", "city", "county", "township", "distributor", "time_zone"]

    public struct Store: Sendable, Equatable {
        public var values: [String]
        public var id: String { self.values[0] }
    }

    /// Parses the CSV; every bad row is reported with its line number, and nothing is imported if any is bad.
    public static func parse(_ text: String) throws(HQError) -> [Store] {
        // Spreadsheets saving "CSV UTF-8" begin the file with a byte order mark.
        let text = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let header = lines.first else { throw HQError("the stores file is empty: it needs the header \(Self.columns.joined(separator: ","))") }
        guard Self.fields(header) == Self.columns else {
            throw HQError("line 1: the header must be \(Self.columns.joined(separator: ","))")
        }
        var stores: [Store] = []
        var problems: [String] = []
        var ids = Set<String>()
        for (index, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            let values = Self.fields(line)
            let number = index + 1
            guard values.count == Self.columns.count else {
                problems.append("line \(number): \(values.count) fields, expected \(Self.columns.count)")
                continue
            }
            let id = values[0]
            if id.isEmpty || id.utf8.count > 128 || id.contains(where: { "/+#\u{0}".contains($0) }) {
                problems.append("line \(number): store_id \(id.debugDescription) cannot be an MQTT topic level (1–128 bytes, no / + #)")
            } else if !ids.insert(id).inserted {
                problems.append("line \(number): store_id \(id) appears twice")
            }
            if !values[8].isEmpty && TimeZone(identifier: values[8]) == nil {
                problems.append("line \(number): time_zone \(values[8]) is not an IANA time zone (e.g. Asia/Shanghai)")
            }
            stores.append(Store(values: values.enumerated().map { $0.offset == 8 && $0.element.isEmpty ? "Asia/Shanghai" : $0.element }))
        }
        if !problems.isEmpty { throw HQError(problems.joined(separator: "\n")) }
        return stores
    }

    /// Adds the stores or updates those already known; returns how many rows were written.
    public static func importStores(_ stores: [Store], into database: HQDatabase) async throws -> Int {
        guard !stores.isEmpty else { return 0 }
        func column(_ index: Int) -> [String] { stores.map { $0.values[index] } }
        try await database.transaction { connection in
            try await connection.query("""
                INSERT INTO stores (store_id, name, region, province, city, county, township, distributor, time_zone)
                SELECT * FROM unnest(\(column(0))::text[], \(column(1))::text[], \(column(2))::text[], \(column(3))::text[],
                                     \(column(4))::text[], \(column(5))::text[], \(column(6))::text[], \(column(7))::text[],
                                     \(column(8))::text[])
                ON CONFLICT (store_id) DO UPDATE SET name = excluded.name, region = excluded.region,
                    province = excluded.province, city = excluded.city, county = excluded.county,
                    township = excluded.township, distributor = excluded.distributor, time_zone = excluded.time_zone
                """, logger: database.logger)
        }
        return stores.count
    }

    /// One CSV line's fields: commas separate, double quotes enclose a field with commas or quotes ("" is a quote).
    static func fields(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var iterator = line.makeIterator()
        while let char = iterator.next() {
            if quoted {
                if char == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { current.append("\"") } else {
                            quoted = false
                            if next == "," { fields.append(current); current = "" } else { current.append(next) }
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(char)
                }
            } else if char == "\"" && current.isEmpty {
                quoted = true
            } else if char == "," {
                fields.append(current)
                current = ""
            } else {
                current.append(char)
            }
        }
        fields.append(current)
        return fields.map { $0.trimmingCharacters(in: .whitespaces) }
    }
}
