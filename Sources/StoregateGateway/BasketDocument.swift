import Foundation
public import StoregateCore
public import StoregateLedger

/// A basket (`POST /v1/sales`, `storegate sale --file`) or a return (`POST /v1/returns`) as JSON, checked field by
/// field before the ledger sees it: untrusted input, so every field has a type and a bound, money is an integer
/// of minor units, and the same code cannot be in a basket twice. docs/api.md shows both documents.
public enum BasketDocument {
    /// Why a document is refused; `field` names where (`lines[2].unit_price`).
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var field: String
        public var message: String
        public var description: String { "\(self.field): \(self.message)" }

        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }
    }

    public static let maximumLines = 200
    public static let maximumQuantity = 9_999
    /// 10^10 minor units: a hundred million of any currency's major unit, far above one line of a store's basket.
    public static let maximumPrice: Int64 = 10_000_000_000
    static let maximumNameBytes = 64
    static let maximumScanBytes = 4_096

    /// The parts of a basket the document gives; the till, operator and time come from the caller.
    public struct Sale: Sendable, Equatable {
        public var receipt: String
        public var currency: String?
        public var dryRun: Bool
        public var lines: [SaleLine]
        /// The POS's own clock (`time_ms`), kept for reconciliation; the ledger records its own time.
        public var posTimeMs: Int64?
        /// Given only where no token names them (CLI, `api.auth = "none"`).
        public var lane: String?
        public var operatorName: String?
    }

    public struct Return: Sendable, Equatable {
        public var returnID: String
        public var receipt: String
        public var items: [SaleReturn.Item]
        public var lane: String?
        public var operatorName: String?
    }

    /// Reads a basket. `signatures` checks each code's signature tail (the ledger's trusted keys).
    public static func sale(_ bytes: [UInt8], parser: CodeParser, signatures: (ParsedCode) -> SignatureCheck) throws(Problem) -> Sale {
        let object = try Self.object(bytes, fields: ["receipt", "currency", "dry_run", "lines", "time_ms", "lane", "operator"])
        guard let receipt = try Self.name(object, "receipt") else { throw Problem(field: "receipt", message: "is required") }
        var currency: String?
        if let text = try Self.name(object, "currency") {
            guard ISO4217.codes.contains(text) else {
                throw Problem(field: "currency", message: "\(text) is not an ISO 4217 currency code (e.g. CNY, EUR, USD)")
            }
            currency = text
        }
        let dryRun = try Self.bool(object, "dry_run") ?? false
        guard let lineValues = object["lines"] else { throw Problem(field: "lines", message: "is required") }
        guard let list = lineValues as? [Any] else { throw Problem(field: "lines", message: "must be an array of line objects") }
        guard !list.isEmpty else { throw Problem(field: "lines", message: "a basket needs at least one line") }
        guard list.count <= Self.maximumLines else {
            throw Problem(field: "lines", message: "\(list.count) lines; at most \(Self.maximumLines) in one basket")
        }
        var lines: [SaleLine] = []
        var seen: [String: Int] = [:]
        for (index, value) in list.enumerated() {
            let field = "lines[\(index + 1)]"
            guard let line = value as? [String: Any] else { throw Problem(field: field, message: "must be an object") }
            let parsed = try Self.line(line, field: field, parser: parser, signatures: signatures)
            if let id = parsed.code?.id {
                if let first = seen[id] {
                    throw Problem(field: field, message: "\(id) is already line \(first); a code is one unit and may be in a basket once")
                }
                seen[id] = index + 1
            }
            if currency == nil && parsed.unitPrice != nil {
                throw Problem(field: "\(field).unit_price", message: "a price needs the basket's currency")
            }
            lines.append(parsed)
        }
        return Sale(receipt: receipt, currency: currency, dryRun: dryRun, lines: lines, posTimeMs: try Self.integer(object, "time_ms"),
                    lane: try Self.name(object, "lane"), operatorName: try Self.name(object, "operator"))
    }

    /// Reads a return: `{"return_id", "receipt", "lines": [{"line": 2, "quantity": 1}, {"code": "…"}]}`.
    public static func `return`(_ bytes: [UInt8], parser: CodeParser) throws(Problem) -> Return {
        let object = try Self.object(bytes, fields: ["return_id", "receipt", "lines", "lane", "operator"])
        guard let returnID = try Self.name(object, "return_id") else { throw Problem(field: "return_id", message: "is required") }
        guard let receipt = try Self.name(object, "receipt") else { throw Problem(field: "receipt", message: "is required") }
        guard let list = object["lines"] as? [Any], !list.isEmpty, list.count <= Self.maximumLines else {
            throw Problem(field: "lines", message: "must be an array of 1–\(Self.maximumLines) objects")
        }
        var items: [SaleReturn.Item] = []
        for (index, value) in list.enumerated() {
            let field = "lines[\(index + 1)]"
            guard let line = value as? [String: Any] else { throw Problem(field: field, message: "must be an object") }
            try Self.checkFields(line, ["line", "quantity", "code"], at: field)
            if let scan = try Self.text(line, "code", maximumBytes: Self.maximumScanBytes, at: field) {
                guard line["line"] == nil, line["quantity"] == nil else {
                    throw Problem(field: field, message: "give a code (one unit) or a line and quantity, not both")
                }
                let code = ScanText.parse(scan, parser: parser)
                guard code.valid, let id = code.id, code.identityKind == .unit else {
                    throw Problem(field: "\(field).code", message: "not a serialised unit's code")
                }
                items.append(.unit(codeID: id))
            } else {
                guard let number = try Self.integer(line, "line", at: field), number >= 1, number <= Int64(Self.maximumLines) else {
                    throw Problem(field: "\(field).line", message: "a receipt line number (1–\(Self.maximumLines)) or a code is required")
                }
                let quantity = try Self.integer(line, "quantity", at: field) ?? 1
                guard quantity >= 1, quantity <= Int64(Self.maximumQuantity) else {
                    throw Problem(field: "\(field).quantity", message: "must be 1–\(Self.maximumQuantity)")
                }
                items.append(.line(Int(number), quantity: Int(quantity)))
            }
        }
        return Return(returnID: returnID, receipt: receipt, items: items, lane: try Self.name(object, "lane"),
                      operatorName: try Self.name(object, "operator"))
    }

    private static func line(_ line: [String: Any], field: String, parser: CodeParser,
                             signatures: (ParsedCode) -> SignatureCheck) throws(Problem) -> SaleLine {
        try Self.checkFields(line, ["type", "code", "gtin", "quantity", "unit_price", "discount"], at: field)
        let scan = try Self.text(line, "code", maximumBytes: Self.maximumScanBytes, at: field)
        let gtinText = try Self.text(line, "gtin", maximumBytes: 14, at: field)
        var kind: SaleLine.Kind
        switch try Self.text(line, "type", maximumBytes: 16, at: field) {
        case nil: kind = scan != nil ? .unit : .plain
        case let name?:
            guard let named = SaleLine.Kind(rawValue: name) else {
                throw Problem(field: "\(field).type", message: "\(name) is not a line type; use unit, plain or reward")
            }
            kind = named
        }
        var result = SaleLine(kind: kind)
        if let scan {
            let code = ScanText.parse(scan, parser: parser)
            // A retail barcode (EAN-13, UPC-A) scanned into a basket is ordinary goods: a plain line.
            if code.valid, code.identityKind == .product, kind != .reward {
                kind = .plain
                result.kind = .plain
                result.gtin = code.gtin
            } else {
                result.code = code
                result.signature = signatures(code)
            }
        }
        if let gtinText {
            guard result.gtin == nil else { throw Problem(field: "\(field).gtin", message: "give a code or a gtin, not both") }
            let code = parser.parse(Array(gtinText.utf8))
            guard code.valid, code.identityKind == .product, let gtin = code.gtin else {
                throw Problem(field: "\(field).gtin", message: "\(gtinText) is not a valid EAN-13, UPC-A or GTIN-14 (check digit)")
            }
            result.gtin = gtin
        }
        switch kind {
        case .unit:
            guard result.code != nil else { throw Problem(field: "\(field).code", message: "a unit line needs the scanned code") }
        case .plain:
            guard result.gtin != nil else { throw Problem(field: "\(field).gtin", message: "a plain line needs a GTIN or a retail barcode") }
        case .reward:
            guard result.code != nil else { throw Problem(field: "\(field).code", message: "a reward line needs the prize code it redeems") }
        }
        let quantity = try Self.integer(line, "quantity", at: field) ?? 1
        guard quantity >= 1, quantity <= Int64(Self.maximumQuantity) else {
            throw Problem(field: "\(field).quantity", message: "\(quantity) is not a quantity; use 1–\(Self.maximumQuantity)")
        }
        guard kind == .plain || quantity == 1 else {
            throw Problem(field: "\(field).quantity", message: "a \(kind.rawValue) line is one unit; scan each unit as its own line")
        }
        result.quantity = Int(quantity)
        if let price = try Self.integer(line, "unit_price", at: field) {
            guard kind != .reward || price == 0 else {
                throw Problem(field: "\(field).unit_price", message: "a reward's free item is at price 0")
            }
            guard price >= 0, price <= Self.maximumPrice else {
                throw Problem(field: "\(field).unit_price", message: "must be 0–\(Self.maximumPrice) minor units")
            }
            result.unitPrice = price
        }
        let discount = try Self.integer(line, "discount", at: field) ?? 0
        guard discount >= 0, discount <= (result.unitPrice ?? 0) * quantity else {
            throw Problem(field: "\(field).discount", message: "must be 0 to the line's price × quantity (\((result.unitPrice ?? 0) * quantity))")
        }
        result.discount = discount
        return result
    }

    // MARK: JSON values

    private static func object(_ bytes: [UInt8], fields: Set<String>) throws(Problem) -> [String: Any] {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(bytes))
        } catch {
            throw Problem(field: "body", message: "not JSON; send one object")
        }
        guard let object = parsed as? [String: Any] else { throw Problem(field: "body", message: "must be one JSON object") }
        try Self.checkFields(object, fields, at: "body")
        return object
    }

    private static func checkFields(_ object: [String: Any], _ fields: Set<String>, at place: String) throws(Problem) {
        if let unknown = object.keys.sorted().first(where: { !fields.contains($0) }) {
            throw Problem(field: place == "body" ? unknown : "\(place).\(unknown)",
                          message: "is not a field here; use \(fields.sorted().joined(separator: ", "))")
        }
    }

    private static func name(_ object: [String: Any], _ field: String) throws(Problem) -> String? {
        guard let text = try Self.text(object, field, maximumBytes: Self.maximumNameBytes, at: "body") else { return nil }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw Problem(field: field, message: "must not contain control characters")
        }
        return text
    }

    private static func text(_ object: [String: Any], _ field: String, maximumBytes: Int, at place: String) throws(Problem) -> String? {
        let name = place == "body" ? field : "\(place).\(field)"
        guard let value = object[field], !(value is NSNull) else { return nil }
        guard let text = value as? String else { throw Problem(field: name, message: "must be a string") }
        guard !text.isEmpty, text.utf8.count <= maximumBytes else {
            throw Problem(field: name, message: "must be 1–\(maximumBytes) bytes")
        }
        return text
    }

    /// An integer, refusing `1.5`, `1e3`, `"1"` and `true`. JSONSerialization gives an NSNumber for numbers and
    /// booleans alike (and on Linux `true is Int` holds): its stored type tells them apart.
    private static func integer(_ object: [String: Any], _ field: String, at place: String = "body") throws(Problem) -> Int64? {
        let name = place == "body" ? field : "\(place).\(field)"
        guard let value = object[field], !(value is NSNull) else { return nil }
        guard let number = value as? NSNumber, ["i", "s", "l", "q"].contains(String(cString: number.objCType)) else {
            throw Problem(field: name, message: "must be an integer (money in minor units: 350 for 3.50)")
        }
        return number.int64Value
    }

    private static func bool(_ object: [String: Any], _ field: String) throws(Problem) -> Bool? {
        guard let value = object[field], !(value is NSNull) else { return nil }
        guard let number = value as? NSNumber, String(cString: number.objCType) == "c" else {
            throw Problem(field: field, message: "must be true or false")
        }
        return number.boolValue
    }
}
