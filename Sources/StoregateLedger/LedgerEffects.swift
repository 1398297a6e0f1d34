import GRDB
import StoregateCore

/// The SQL each ``DecisionEffect`` runs inside the operation's transaction. Bind parameters only.
enum LedgerEffects {
    static let setStateSQL = """
        UPDATE codes SET state = ?, last_op = ?, last_prev_state = ?, last_lane = ?, last_operator = ?,
            last_ms = ?, last_seq = ?
        WHERE id = ?
        """
    /// Children still `issued` become `received`, carrying the parent's seq as their last change so that voiding
    /// the parent's receipt finds exactly them.
    static let unpackChildrenSQL = """
        UPDATE codes SET state = 'received', last_op = 'receive', last_prev_state = 'issued',
            last_lane = ?, last_operator = ?, last_ms = ?, last_seq = ?
        WHERE parent = ? AND state = 'issued'
        """

    /// - Parameter lastOperation: what the code's last change is recorded as (`last_op`); a unit sold in a basket
    ///   is recorded as `sale`, which `void` does not undo (the basket's return does).
    /// - Returns: how many units of a case were unpacked (0 for everything else).
    static func write(
        _ effect: DecisionEffect,
        db: Database,
        statements: WriterStatements.Prepared,
        code: ParsedCode,
        record: CodeRecord?,
        request: OperationRequest,
        seq: Int64,
        lastOperation: String? = nil
    ) throws -> Int {
        let context = request.context
        let id = code.id ?? ""
        let lastOperation = lastOperation ?? request.operation.rawValue
        switch effect {
        case .none:
            return 0
        case .setState(let state):
            try Self.setState(statements.setState, id: id, to: state, from: record?.state ?? .issued, request: request, seq: seq,
                              lastOperation: lastOperation)
            // Any code can be the parent of others (a brand's case token as well as an SSCC): receiving it
            // unpacks whatever it holds. For a code that holds nothing this is one probe of a partial index.
            return request.operation == .receive ? try Self.unpackChildren(statements.unpackChildren, db, parent: id, context: context, seq: seq) : 0
        case .createProvisional(let state):
            let kind = code.identityKind == .logisticUnit ? "logistic_unit" : "unit"
            try db.cachedStatement(sql: """
                INSERT INTO codes(id, kind, product, lot, expiry, state, provisional,
                    last_op, last_prev_state, last_lane, last_operator, last_ms, last_seq)
                VALUES (?, ?, ?, ?, ?, ?, 1, ?, 'issued', ?, ?, ?, ?)
                """).execute(arguments: [
                    id, kind, code.gtin, code.lot, code.expiry?.description, state.rawValue, lastOperation,
                    context.lane, context.operator, context.time.milliseconds, seq,
                ])
            return 0
        case .receiveCase:
            try Self.setState(statements.setState, id: id, to: .received, from: record?.state ?? .issued, request: request, seq: seq,
                              lastOperation: lastOperation)
            return try Self.unpackChildren(statements.unpackChildren, db, parent: id, context: context, seq: seq)
        case .countProductSale:
            try db.cachedStatement(sql: """
                INSERT INTO product_sales(product, sold) VALUES (?, 1)
                ON CONFLICT(product) DO UPDATE SET sold = sold + 1
                """).execute(arguments: [id])
            return 0
        case .undo(let restoring, let undoneSeq, let undoneOperation):
            // One level of undo: the change is forgotten, so a second void finds nothing to undo.
            try db.cachedStatement(sql: """
                UPDATE codes SET state = ?, last_op = NULL, last_prev_state = NULL, last_lane = NULL,
                    last_operator = NULL, last_ms = NULL, last_seq = NULL
                WHERE id = ?
                """).execute(arguments: [restoring.rawValue, id])
            if undoneOperation == .receive {
                try db.cachedStatement(sql: """
                    UPDATE codes SET state = last_prev_state, last_op = NULL, last_prev_state = NULL, last_lane = NULL,
                        last_operator = NULL, last_ms = NULL, last_seq = NULL
                    WHERE parent = ? AND last_seq = ?
                    """).execute(arguments: [id, undoneSeq])
            }
            return 0
        }
    }

    private static func unpackChildren(
        _ statement: RawStatement, _ db: Database, parent: String, context: DecisionContext, seq: Int64
    ) throws -> Int {
        statement.bind(1, context.lane)
        statement.bind(2, context.operator)
        statement.bind(3, context.time.milliseconds)
        statement.bind(4, seq)
        statement.bind(5, parent)
        try statement.run()
        return db.changesCount
    }

    private static func setState(
        _ statement: RawStatement,
        id: String,
        to state: CodeState,
        from previous: CodeState,
        request: OperationRequest,
        seq: Int64,
        lastOperation: String
    ) throws {
        let context = request.context
        statement.bind(1, state.rawValue)
        statement.bind(2, lastOperation)
        statement.bind(3, previous.rawValue)
        statement.bind(4, context.lane)
        statement.bind(5, context.operator)
        statement.bind(6, context.time.milliseconds)
        statement.bind(7, seq)
        statement.bind(8, id)
        try statement.run()
    }
}
