import GRDB
public import StoregateCore

/// One code HQ registers at this store (from a downlink batch rather than a file).
public struct CodeRegistration: Sendable, Equatable {
    /// A raw scan or canonical id; stored under the parser's canonical id.
    public var code: String
    public var product: String?
    public var lot: String?
    public var expiry: CivilDate?
    /// The case or packing code this one is packed in.
    public var parent: String?
    public var campaign: String?
    /// Regions or store ids where the code may be sold or redeemed; empty means anywhere.
    public var regions: [String]

    public init(code: String, product: String? = nil, lot: String? = nil, expiry: CivilDate? = nil, parent: String? = nil,
                campaign: String? = nil, regions: [String] = []) {
        self.code = code
        self.product = product
        self.lot = lot
        self.expiry = expiry
        self.parent = parent
        self.campaign = campaign
        self.regions = regions
    }
}

extension Ledger {
    /// Registers codes in one transaction, with the import's rules: bad codes are listed (index in `codes`) and
    /// skipped, codes already registered are left unchanged (duplicates). For HQ's downlink batches.
    public func register(_ codes: [CodeRegistration], parser: CodeParser = CodeParser()) throws -> ImportReport {
        var report = ImportReport()
        var rows: [(index: Int, row: ImportRow)] = []
        for (index, code) in codes.enumerated() {
            report.rowsRead += 1
            let values: [String?] = [
                code.code, code.product, code.lot, code.expiry?.description, code.parent, code.campaign,
                code.regions.isEmpty ? nil : code.regions.joined(separator: ";"),
            ]
            do throws(RowError) {
                rows.append((index, try ImportRow.make(values, parser: parser)))
            } catch {
                report.rejected += 1
                report.rejections.append(ImportRowIssue(line: index, reason: error.message))
            }
        }
        try self.writer.write { db in
            let insert = try CodeInsert(db)
            for (index, row) in rows {
                if try insert.insert(row, in: db) {
                    report.imported += 1
                } else {
                    report.duplicates += 1
                    report.duplicateRows.append(ImportRowIssue(line: index, reason: "\(row.id) is already registered; left unchanged"))
                }
            }
        }
        return report
    }
}

/// The one INSERT that registers a code; existing codes are never overwritten.
struct CodeInsert {
    private let statement: RawStatement

    /// Prepare once per transaction, then ``insert(_:)`` each row.
    init(_ db: Database) throws {
        self.statement = try RawStatement(db, sql: """
            INSERT INTO codes(id, kind, product, lot, expiry, parent, campaign, regions)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING
            """)
    }

    /// - Returns: false when the code was already registered.
    func insert(_ row: ImportRow, in db: Database) throws -> Bool {
        self.statement.bind(1, row.id)
        self.statement.bind(2, row.kind.rawValue)
        self.statement.bind(3, row.product)
        self.statement.bind(4, row.lot)
        self.statement.bind(5, row.expiry)
        self.statement.bind(6, row.parent)
        self.statement.bind(7, row.campaign)
        self.statement.bind(8, row.regions)
        try self.statement.run()
        return db.changesCount > 0
    }
}
