import GRDB
public import StoregateCore

extension Ledger {
    /// The answer ``apply(_:)`` would give, read from the ledger without writing anything. Used for verifies
    /// while the disk is nearly full (telemetry is shed, the cashier still gets the answer).
    public func evaluate(_ request: OperationRequest) throws -> Decision {
        try self.writer.read { db in
            let policy = try Self.loadPolicy(db)
            let record = try CodeRow.registryID(of: request.code).flatMap { try CodeRow.fetch(db, id: $0) }
            return DecisionRules.decide(
                record: record, code: request.code, signature: request.signature, policy: policy, operation: request.operation,
                context: request.context)
        }
    }

    /// Deletes outbox rows settled before `time`: acknowledged by HQ, or shed as telemetry (shed rows are never
    /// sent, so without this they stayed for good). Nothing is lost: the journal keeps every event, an outbox
    /// payload is the journal event's canonical form, and ``requeueOutbox(seqs:)`` rebuilds pruned rows. Returns
    /// how many rows went.
    @discardableResult
    public func pruneSettledOutbox(settledBefore time: Timestamp) throws -> Int {
        let settled = "(delivered_ms IS NOT NULL AND delivered_ms < ?1) OR (shed_ms IS NOT NULL AND shed_ms < ?1)"
        return try self.writer.write { db in
            // Remembered, so `ledger check` knows these rows went on purpose (``check(quick:maximumProblems:)``).
            try db.execute(sql: "INSERT OR IGNORE INTO outbox_pruned(seq) SELECT seq FROM outbox WHERE \(settled)",
                           arguments: [time.milliseconds])
            try db.execute(sql: "DELETE FROM outbox WHERE \(settled)", arguments: [time.milliseconds])
            return db.changesCount
        }
    }

    /// Deletes idempotency keys created before `time`. A key is a POS's retry guard for minutes, not a record: a
    /// key reused after it was pruned is decided afresh, and the code's state (redeemed, sold) still stops any
    /// double count. Returns how many went.
    @discardableResult
    public func pruneIdempotencyKeys(createdBefore time: Timestamp) throws -> Int {
        try self.writer.write { db in
            try db.execute(sql: "DELETE FROM idempotency WHERE created_ms < ?", arguments: [time.milliseconds])
            return db.changesCount
        }
    }

    /// Puts pruned events in `seqs` back into the outbox as pending, their payload rebuilt from the journal (the
    /// same canonical bytes as the first time). Returns how many rows were restored. ``requeueOutbox(seqs:)`` does
    /// this first, so events older than the pruning horizon can be sent again too.
    @discardableResult
    public func restorePrunedOutbox(seqs: ClosedRange<Int64>) throws -> Int {
        try self.writer.write { try Self.restorePrunedOutbox($0, seqs: seqs) }
    }

    static func restorePrunedOutbox(_ db: Database, seqs: ClosedRange<Int64>) throws -> Int {
        let missing = try Row.fetchAll(
            db,
            sql: """
                SELECT \(JournalRow.columns) FROM journal
                WHERE seq BETWEEN ? AND ? AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.seq = journal.seq)
                """,
            arguments: [seqs.lowerBound, seqs.upperBound])
        for row in missing {
            let event = try JournalRow.event(row)
            try db.execute(sql: "INSERT INTO outbox(seq, payload, created_ms) VALUES (?, ?, ?)",
                           arguments: [event.seq, event.canonicalPayload, event.time.milliseconds])
            // Pending again: from now on its row must be there until it is delivered and pruned once more.
            try db.execute(sql: "DELETE FROM outbox_pruned WHERE seq = ?", arguments: [event.seq])
        }
        return missing.count
    }

    /// Copies the WAL into the database and truncates it to zero bytes, giving its space back to the filesystem.
    public func checkpointAndTruncateWAL() throws {
        _ = try self.writer.writeWithoutTransaction { try $0.checkpoint(.truncate) }
    }
}
