import GRDB
import StoregateCore

/// Reading `codes` rows: the writer's operation path (``WriterStatements``) and the readers' queries.
enum CodeRow {
    /// The registry id a scanned code is looked up by: units and logistic units (cases) have rows; products,
    /// malformed and unknown scans do not.
    static func registryID(of code: ParsedCode) -> String? {
        guard code.valid, let id = code.id, code.identityKind == .unit || code.identityKind == .logisticUnit else { return nil }
        return id
    }

    static let selectSQL = """
        SELECT kind, product, lot, expiry, parent, campaign, regions, state, provisional, revoked_reason,
            last_op, last_prev_state, last_lane, last_operator, last_ms, last_seq
        FROM codes WHERE id = ?
        """

    static func fetch(_ db: Database, id: String) throws -> CodeRecord? {
        try Self.fetch(RawStatement(db, sql: Self.selectSQL), id: id)
    }

    /// Reads the row with `statement`, which is ``selectSQL``.
    static func fetch(_ statement: RawStatement, id: String) throws -> CodeRecord? {
        statement.bind(1, id)
        guard try statement.step() else { return nil }
        defer { statement.reset() }
        var lastChange: LastChange?
        if let op = statement.text(10).flatMap(Operation.init(rawValue:)),
            let previous = statement.text(11).flatMap(CodeState.init(rawValue:)),
            let time = statement.int64(14)
        {
            lastChange = LastChange(operation: op, previousState: previous, lane: statement.text(12) ?? "",
                                    operator: statement.text(13) ?? "", time: Timestamp(milliseconds: time),
                                    seq: statement.int64(15) ?? 0)
        }
        return CodeRecord(
            id: id,
            identityKind: statement.text(0).flatMap(IdentityKind.init(rawValue:)) ?? .unit,
            product: statement.text(1),
            lot: statement.text(2),
            expiry: statement.text(3).flatMap(ImportRow.civilDate(iso:)),
            parent: statement.text(4),
            campaign: statement.text(5),
            regions: statement.text(6).map { $0.split(separator: ";").map(String.init) } ?? [],
            state: statement.text(7).flatMap(CodeState.init(rawValue:)) ?? .issued,
            provisional: (statement.int64(8) ?? 0) != 0,
            revokedReason: statement.text(9),
            lastChange: lastChange
        )
    }
}
