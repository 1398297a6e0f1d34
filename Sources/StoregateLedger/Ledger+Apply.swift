import Foundation
import GRDB
import StoregateCore

extension Ledger {
    /// Decides and records one operation in one transaction: reads the code's state, calls
    /// ``DecisionRules/decide(record:code:signature:policy:operation:context:)``, writes the state change, the
    /// journal event, its outbox row and the idempotency key, and commits (fsync'd under `synchronous=FULL`)
    /// before returning. Every answer, accepted or not, is journaled.
    ///
    /// - Throws: ``LedgerError`` `idempotencyKeyReused` when the key was used for a different request;
    ///   `notInitialised` before `ledger init`; database errors (nothing is then written).
    public func apply(_ request: OperationRequest) throws -> OperationOutcome {
        try self.inWriteTransaction { db, statements in try self.applyInTransaction(db, statements, request) }
    }

    /// `body` in one write transaction, committed when it returns and rolled back when it throws.
    func inWriteTransaction<T>(_ body: (Database, WriterStatements.Prepared) throws -> T) throws -> T {
        do {
            return try self.writer.writeWithoutTransaction { db in
                // BEGIN/COMMIT as prepared statements: GRDB's `write` re-parses its BEGIN on every transaction.
                let statements = try self.statements.forTransaction(db)
                try statements.begin.run()
                do {
                    let result = try body(db, statements)
                    try statements.commit.run()
                    return result
                } catch {
                    self.statements.resetAll()
                    if db.isInsideTransaction { try? db.execute(sql: "ROLLBACK") }
                    throw error
                }
            }
        } catch {
            // The in-memory chain head may have advanced inside a transaction that did not commit.
            self.cache.invalidate()
            throw error
        }
    }

    static let idempotencyLookupSQL = "SELECT fingerprint, seq FROM idempotency WHERE key = ?"
    static let idempotencyInsertSQL = "INSERT INTO idempotency(key, fingerprint, seq, created_ms) VALUES (?, ?, ?, ?)"

    private func applyInTransaction(
        _ db: Database, _ statements: WriterStatements.Prepared, _ request: OperationRequest
    ) throws -> OperationOutcome {
        var snapshot = try self.snapshot(db, statements.dataVersion)
        let fingerprint = request.idempotencyKey == nil ? "" : request.fingerprint
        if let key = request.idempotencyKey, let stored = try Self.idempotencyRecord(statements, key: key) {
            guard stored.fingerprint == fingerprint else {
                throw LedgerError(.idempotencyKeyReused, "idempotency key \(key) was already used for a different "
                    + "request (event \(stored.seq)); use a new key for a new operation")
            }
            return try Self.replay(db, seq: stored.seq)
        }
        let code = request.code
        let record = try CodeRow.registryID(of: code).flatMap { try CodeRow.fetch(statements.codeLookup, id: $0) }
        let decision = DecisionRules.decide(
            record: record, code: code, signature: request.signature, policy: snapshot.policy,
            operation: request.operation, context: request.context)
        let seq = snapshot.headSeq + 1
        let unpacked = try LedgerEffects.write(
            decision.effect, db: db, statements: statements, code: code, record: record, request: request, seq: seq)

        let context = request.context
        let event = try self.appendEvent(
            statements, snapshot: &snapshot, operation: JournalOperation(request.operation), codeID: code.valid ? code.id : nil,
            result: decision.result, reason: decision.reason, context: context, provisional: decision.provisional,
            details: EventDetails.encode(decision.details, unpacked: unpacked))
        if let key = request.idempotencyKey {
            try Self.rememberIdempotencyKey(statements, key: key, fingerprint: fingerprint, seq: seq, time: context.time)
        }
        return OperationOutcome(
            operation: request.operation, decision: decision, codeID: event.codeID, seq: seq, eventID: event.eventID,
            time: context.time, unpackedUnits: unpacked, replayed: false)
    }

    /// Appends the next journal event (and its outbox row), chained to the head in `snapshot`, and moves the
    /// head (in `snapshot` and the cache) to it. The caller's transaction makes it durable or undoes it.
    func appendEvent(
        _ statements: WriterStatements.Prepared, snapshot: inout LedgerCache.Snapshot, operation: JournalOperation,
        codeID: String?, result: StoregateCore.ResultCode, reason: String, context: DecisionContext, provisional: Bool, details: String
    ) throws -> JournalEvent {
        var event = JournalEvent(
            seq: snapshot.headSeq + 1, eventID: UUIDv7.make(milliseconds: context.time.milliseconds),
            storeID: snapshot.policy.storeID, gatewayID: snapshot.gatewayID.isEmpty ? nil : snapshot.gatewayID, operation: operation,
            codeID: codeID, result: result, reason: reason, lane: context.lane, operator: context.operator, role: context.role,
            time: context.time, provisional: provisional, details: details, prevHash: snapshot.headHash, hash: [])
        let payload = event.canonicalBytes
        event.hash = JournalEvent.hash(of: payload)
        try JournalRow.append(statements, event: event, payload: payload)
        snapshot.headSeq = event.seq
        snapshot.headHash = event.hash
        self.cache.store(snapshot)
        return event
    }

    static func rememberIdempotencyKey(
        _ statements: WriterStatements.Prepared, key: String, fingerprint: String, seq: Int64, time: Timestamp
    ) throws {
        let insert = statements.idempotencyInsert
        insert.bind(1, key)
        insert.bind(2, fingerprint)
        insert.bind(3, seq)
        insert.bind(4, time.milliseconds)
        try insert.run()
    }

    /// The stored (fingerprint, seq) of an idempotency key, if it was used.
    static func idempotencyRecord(_ statements: WriterStatements.Prepared, key: String) throws -> (fingerprint: String, seq: Int64)? {
        let lookup = statements.idempotencyLookup
        lookup.bind(1, key)
        guard try lookup.step() else { return nil }
        defer { lookup.reset() }
        return (lookup.text(0) ?? "", lookup.int64(1) ?? 0)
    }

    /// The cached chain head and policy, re-read when another connection committed since we last looked.
    func snapshot(_ db: Database, _ pragma: RawStatement) throws -> LedgerCache.Snapshot {
        let version = try pragma.step() ? pragma.int64(0) ?? 0 : 0
        pragma.reset()
        if let snapshot = self.cache.current(dataVersion: version) { return snapshot }
        let policy = try Self.loadPolicy(db)
        guard !policy.storeID.isEmpty else {
            throw LedgerError(.notInitialised, "the ledger has no store id yet: run `storegate ledger init --db \(self.path) --store-id ID --region REGION`")
        }
        let head = try Row.fetchOne(db, sql: "SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1")
        let gatewayID = try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = ?", arguments: [SettingKey.gatewayID]) ?? ""
        return LedgerCache.Snapshot(
            dataVersion: version, headSeq: head?[0] ?? 0, headHash: (head?[1] as Data?).map { [UInt8]($0) } ?? JournalEvent.genesisHash,
            policy: policy, gatewayID: gatewayID)
    }

    /// The stored first answer to a repeated idempotency key.
    private static func replay(_ db: Database, seq: Int64) throws -> OperationOutcome {
        guard let event = try JournalRow.fetch(db, seq: seq) else {
            throw LedgerError(.invalidValue, "idempotency key points at journal event \(seq), which does not exist")
        }
        let (details, unpacked) = EventDetails.decode(event.details)
        guard let operation = event.operation.codeOperation else {
            throw LedgerError(.invalidValue, "idempotency key points at journal event \(seq), a \(event.operation.rawValue), not an operation on a code")
        }
        let decision = Decision(result: event.result, reason: event.reason, provisional: event.provisional, details: details)
        return OperationOutcome(
            operation: operation, decision: decision, codeID: event.codeID, seq: event.seq, eventID: event.eventID,
            time: event.time, unpackedUnits: unpacked, replayed: true)
    }
}
