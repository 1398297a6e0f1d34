import GRDB
import StoregateCore

/// Reading and writing `codes` rows for the operation path (cached statements: this is the hot path).
enum CodeRow {
    static let columns = """
        kind, product, lot, expiry, parent, campaign, regions, state, provisional, revoked_reason,
        last_op, last_prev_state, last_lane, last_operator, last_ms, last_seq
        """

    static func fetch(_ db: Database, id: String) throws -> CodeRecord? {
        let statement = try db.cachedStatement(sql: "SELECT \(Self.columns) FROM codes WHERE id = ?")
        guard let row = try Row.fetchOne(statement, arguments: [id]) else { return nil }
        return Self.record(id: id, row: row)
    }

    /// Decodes the columns in ``columns`` order; values written by other tools that do not parse become nil.
    static func record(id: String, row: Row) -> CodeRecord {
        var lastChange: LastChange?
        if let op = (row[10] as String?).flatMap(Operation.init(rawValue:)),
            let previous = (row[11] as String?).flatMap(CodeState.init(rawValue:)),
            let time = row[14] as Int64?
        {
            lastChange = LastChange(operation: op, previousState: previous, lane: row[12] ?? "", operator: row[13] ?? "",
                                    time: Timestamp(milliseconds: time), seq: row[15] ?? 0)
        }
        let regions = (row[6] as String?).map { $0.split(separator: ";").map(String.init) } ?? []
        return CodeRecord(
            id: id,
            identityKind: (row[0] as String?).flatMap(IdentityKind.init(rawValue:)) ?? .unit,
            product: row[1],
            lot: row[2],
            expiry: (row[3] as String?).flatMap(CivilDate.init(iso:)),
            parent: row[4],
            campaign: row[5],
            regions: regions,
            state: (row[7] as String?).flatMap(CodeState.init(rawValue:)) ?? .issued,
            provisional: row[8] ?? false,
            revokedReason: row[9],
            lastChange: lastChange
        )
    }
}
