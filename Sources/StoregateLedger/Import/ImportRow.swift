import StoregateCore

/// One code of an import batch, validated and ready to insert.
struct ImportRow {
    var id: String
    var kind: IdentityKind
    var product: String?
    var lot: String?
    /// `YYYY-MM-DD`, as stored.
    var expiry: String?
    var parent: String?
    var campaign: String?
    var regions: String?

    /// The columns an import file may have, in slot order; `code` is required.
    static let knownColumns = ["code", "product", "lot", "expiry", "parent", "campaign", "regions"]
    static let codeSlot = 0, productSlot = 1, lotSlot = 2, expirySlot = 3, parentSlot = 4, campaignSlot = 5, regionsSlot = 6

    /// Validates one row given as texts in ``knownColumns`` slot order. Throws the reason the row is rejected.
    static func make(_ values: [String?], parser: CodeParser) throws(RowError) -> ImportRow {
        guard let code = Self.nonEmpty(values[Self.codeSlot]) else { throw RowError("the code column is empty") }
        let (id, kind, scanned) = try Self.identity(code, parser: parser)
        guard kind == .unit || kind == .logisticUnit else {
            throw RowError("\(id) is a product code, not a serialised unit or case; only those are registered")
        }
        var row = ImportRow(id: id, kind: kind)
        row.product = Self.nonEmpty(values[Self.productSlot])
        row.lot = Self.nonEmpty(values[Self.lotSlot])
        row.campaign = Self.nonEmpty(values[Self.campaignSlot])
        if let text = Self.nonEmpty(values[Self.expirySlot]) {
            guard let date = Self.isoDate(text) else { throw RowError("expiry \(text) is not a date (YYYY-MM-DD or YYMMDD)") }
            row.expiry = date
        }
        // A raw scan may carry its own lot (AI 10) and expiry (AI 17): used when the columns leave them out.
        if let scanned {
            row.lot = row.lot ?? scanned.lot
            row.expiry = row.expiry ?? scanned.expiry?.description
        }
        if let text = Self.nonEmpty(values[Self.parentSlot]) {
            let (parent, parentKind, _) = try Self.identity(text, parser: parser)
            guard parentKind == .logisticUnit || parentKind == .unit else {
                throw RowError("parent \(text) is a product code; a parent is the case (00/<sscc>) or packing code the unit is in")
            }
            guard parent != id else { throw RowError("a code cannot be its own parent") }
            row.parent = parent
        }
        if let text = Self.nonEmpty(values[Self.regionsSlot]) {
            let regions = text.split(separator: ";").map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
            row.regions = regions.isEmpty ? nil : regions.joined(separator: ";")
        }
        return row
    }

    /// Canonical id and kind: the fast path for plain canonical ids, the scan parser for everything else (then
    /// also the parsed code, for the attributes a scan carries).
    private static func identity(_ text: String, parser: CodeParser) throws(RowError) -> (String, IdentityKind, ParsedCode?) {
        if let known = CanonicalIDFastPath.classify(text) { return (known.id, known.kind, nil) }
        let parsed = parser.parse(Array(text.utf8))
        guard parsed.valid, let id = parsed.id else {
            throw RowError("not a valid code: \(parsed.errors.first?.message ?? "unrecognised")")
        }
        return (id, parsed.identityKind, parsed)
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        if let first = text.utf8.first, let last = text.utf8.last, first != 0x20, first != 0x09, last != 0x20, last != 0x09 {
            return text
        }
        let trimmed = text.trimmingSpaces()
        return trimmed.isEmpty ? nil : trimmed
    }

    /// `YYYY-MM-DD` as a date, byte by byte (the ledger reads one per redemption; `CivilDate(iso:)` splits strings).
    static func civilDate(iso text: String) -> CivilDate? {
        var text = text
        return text.withUTF8 { bytes -> CivilDate? in
            guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
            func number(_ range: Range<Int>) -> Int? {
                var value = 0
                for index in range {
                    let byte = bytes[index]
                    guard byte >= 48 && byte <= 57 else { return nil }
                    value = value * 10 + Int(byte - 48)
                }
                return value
            }
            guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
                (1...12).contains(month), (1...CivilDate.daysIn(month: month, year: year)).contains(day)
            else {
                return nil
            }
            return CivilDate(year: year, month: month, day: day)
        }
    }

    /// The ISO text of `YYYY-MM-DD`, or of GS1's `YYMMDD` (years 2000–2099; DD=00 means the last day of the
    /// month); nil when it is not a real date. Byte by byte: this runs for every row of a 10M-row import.
    static func isoDate(_ text: String) -> String? {
        var text = text
        return text.withUTF8 { bytes -> String? in
            func digits(_ start: Int, _ count: Int) -> Int? {
                var value = 0
                for index in start..<(start + count) {
                    let byte = bytes[index]
                    guard byte >= 48 && byte <= 57 else { return nil }
                    value = value * 10 + Int(byte - 48)
                }
                return value
            }
            if bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
                let y = digits(0, 4), let m = digits(5, 2), let d = digits(8, 2)
            {
                guard (1...12).contains(m), (1...CivilDate.daysIn(month: m, year: y)).contains(d) else { return nil }
                return String(decoding: bytes, as: UTF8.self)
            } else if bytes.count == 6, let y = digits(0, 2), let m = digits(2, 2), let d = digits(4, 2) {
                guard (1...12).contains(m) else { return nil }
                let last = CivilDate.daysIn(month: m, year: 2000 + y)
                let day = d == 0 ? last : d
                guard (1...last).contains(day) else { return nil }
                return CivilDate(year: 2000 + y, month: m, day: day).description
            }
            return nil
        }
    }
}

/// Why one import row was rejected.
struct RowError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
