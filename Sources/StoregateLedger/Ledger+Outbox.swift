import GRDB
public import StoregateCore

/// One outbox row: a journal event's canonical payload waiting for (or past) delivery to HQ.
public struct OutboxEntry: Sendable, Equatable {
    public var seq: Int64
    /// The journal event's canonical JSON (exactly what is published).
    public var payload: String
    /// The event's operation, for routing (`op` user property) and for shedding telemetry.
    public var operation: String
    public var created: Timestamp
    /// When HQ's broker acknowledged it (PUBACK); nil while undelivered.
    public var delivered: Timestamp?
    /// When it was shed (telemetry dropped to protect the disk); shed rows are never sent.
    public var shed: Timestamp?
}

/// The outbox at a glance, for status, the heartbeat and `storegate status`.
public struct OutboxSummary: Sendable, Equatable, Codable {
    /// Events not yet acknowledged by the broker (shed ones excluded).
    public var undelivered: Int
    public var oldestUndeliveredSeq: Int64?
    public var oldestUndeliveredMilliseconds: Int64?
    /// Telemetry events dropped without delivery (see ``Ledger/shedTelemetry(keepingAtMost:at:)``).
    public var shed: Int
    /// The last journal sequence number (= number of events).
    public var headSeq: Int64

    public init(undelivered: Int = 0, oldestUndeliveredSeq: Int64? = nil, oldestUndeliveredMilliseconds: Int64? = nil,
                shed: Int = 0, headSeq: Int64 = 0) {
        self.undelivered = undelivered
        self.oldestUndeliveredSeq = oldestUndeliveredSeq
        self.oldestUndeliveredMilliseconds = oldestUndeliveredMilliseconds
        self.shed = shed
        self.headSeq = headSeq
    }
}

extension Ledger {
    static let outboxColumns = "o.seq, o.payload, j.op, o.created_ms, o.delivered_ms, o.shed_ms"

    static func outboxEntry(_ row: Row) -> OutboxEntry {
        OutboxEntry(
            seq: row[0], payload: row[1], operation: row[2], created: Timestamp(milliseconds: row[3]),
            delivered: (row[4] as Int64?).map(Timestamp.init(milliseconds:)),
            shed: (row[5] as Int64?).map(Timestamp.init(milliseconds:)))
    }

    /// Up to `limit` events still to send with `fromSeq <= seq < beforeSeq`, in sequence order (through the
    /// partial index `outbox_pending`, so delivered history costs nothing). The uplink reads its backlog through
    /// this in large batches, so the rows are read with the SQLite C API on a cached statement (GRDB's `Row`
    /// copies and boxing cost more than the query at a hundred thousand events a second).
    public func pendingOutbox(fromSeq: Int64, beforeSeq: Int64 = .max, limit: Int) throws -> [OutboxEntry] {
        try self.writer.read { db in
            let statement = try RawStatement(
                db,
                sql: """
                    SELECT o.seq, o.payload, j.op, o.created_ms FROM outbox o JOIN journal j ON j.seq = o.seq
                    WHERE o.seq >= ? AND o.seq < ? AND o.delivered_ms IS NULL AND o.shed_ms IS NULL
                    ORDER BY o.seq LIMIT ?
                    """)
            statement.bind(1, fromSeq)
            statement.bind(2, beforeSeq)
            statement.bind(3, Int64(limit))
            var entries: [OutboxEntry] = []
            entries.reserveCapacity(min(limit, 4_096))
            while try statement.step() {
                entries.append(OutboxEntry(
                    seq: statement.int64(0) ?? 0, payload: statement.text(1) ?? "", operation: statement.text(2) ?? "",
                    created: Timestamp(milliseconds: statement.int64(3) ?? 0), delivered: nil, shed: nil))
            }
            return entries
        }
    }

    /// Marks events acknowledged by the broker, all in one transaction (one fsync for a whole batch of PUBACKs).
    /// Already-marked rows keep their first delivery time. PUBACKs of a drain come in runs of consecutive seqs,
    /// so each run is one range `UPDATE` rather than one statement per event.
    public func markDelivered(seqs: [Int64], at time: Timestamp) throws {
        guard !seqs.isEmpty else { return }
        let runs = Self.consecutiveRuns(seqs)
        try self.writer.write { db in
            let statement = try RawStatement(
                db, sql: "UPDATE outbox SET delivered_ms = ? WHERE seq BETWEEN ? AND ? AND delivered_ms IS NULL")
            for run in runs {
                statement.bind(1, time.milliseconds)
                statement.bind(2, run.lowerBound)
                statement.bind(3, run.upperBound)
                try statement.run()
            }
        }
    }

    /// `seqs` (any order, duplicates allowed) as the fewest closed ranges of consecutive numbers.
    static func consecutiveRuns(_ seqs: [Int64]) -> [ClosedRange<Int64>] {
        let sorted = seqs.sorted()
        guard let first = sorted.first else { return [] }
        var runs: [ClosedRange<Int64>] = []
        var start = first
        var end = first
        for seq in sorted.dropFirst() where seq > end {
            if seq == end + 1 {
                end = seq
            } else {
                runs.append(start...end)
                start = seq
                end = seq
            }
        }
        runs.append(start...end)
        return runs
    }

    public func outboxSummary() throws -> OutboxSummary {
        try self.writer.read { db in
            let oldest = try Row.fetchOne(
                db, sql: "SELECT seq, created_ms FROM outbox WHERE delivered_ms IS NULL AND shed_ms IS NULL ORDER BY seq LIMIT 1")
            return OutboxSummary(
                undelivered: try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM outbox WHERE delivered_ms IS NULL AND shed_ms IS NULL") ?? 0,
                oldestUndeliveredSeq: oldest?[0],
                oldestUndeliveredMilliseconds: oldest?[1],
                shed: try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE shed_ms IS NOT NULL") ?? 0,
                headSeq: try Int64.fetchOne(db, sql: "SELECT max(seq) FROM journal") ?? 0)
        }
    }

    /// Outbox rows from `fromSeq` on, for `storegate outbox list`; `undeliveredOnly` skips delivered and shed ones.
    public func outboxEntries(fromSeq: Int64, limit: Int, undeliveredOnly: Bool) throws -> [OutboxEntry] {
        try self.writer.read { db in
            let filter = undeliveredOnly ? "AND o.delivered_ms IS NULL AND o.shed_ms IS NULL" : ""
            return try Row.fetchAll(
                db,
                sql: "SELECT \(Self.outboxColumns) FROM outbox o JOIN journal j ON j.seq = o.seq WHERE o.seq >= ? \(filter) ORDER BY o.seq LIMIT ?",
                arguments: [fromSeq, limit]
            ).map(Self.outboxEntry)
        }
    }

    public func outboxEntry(seq: Int64) throws -> OutboxEntry? {
        try self.writer.read { db in
            try Row.fetchOne(
                db, sql: "SELECT \(Self.outboxColumns) FROM outbox o JOIN journal j ON j.seq = o.seq WHERE o.seq = ?",
                arguments: [seq]
            ).map(Self.outboxEntry)
        }
    }

    /// Makes delivered, shed or pruned events in `seqs` pending again, so the daemon sends them once more (HQ dedups
    /// by event id); pruned rows are rebuilt from the journal first (``restorePrunedOutbox(seqs:)``). Returns how
    /// many rows changed.
    @discardableResult
    public func requeueOutbox(seqs: ClosedRange<Int64>) throws -> Int {
        try self.writer.write { db in
            let restored = try Self.restorePrunedOutbox(db, seqs: seqs)
            try db.execute(
                sql: """
                    UPDATE outbox SET delivered_ms = NULL, shed_ms = NULL
                    WHERE seq BETWEEN ? AND ? AND (delivered_ms IS NOT NULL OR shed_ms IS NOT NULL)
                    """,
                arguments: [seqs.lowerBound, seqs.upperBound])
            return restored + db.changesCount
        }
    }

    /// Sheds telemetry when the backlog is over `limit`: the oldest undelivered `verify` events beyond it are
    /// marked shed (never sent; still in the journal). Redemptions, sales, receipts and voids are never shed.
    /// Returns how many were shed.
    @discardableResult
    public func shedTelemetry(keepingAtMost limit: Int, at time: Timestamp) throws -> Int {
        try self.writer.write { db in
            let pending = try Int.fetchOne(
                db, sql: "SELECT count(*) FROM outbox WHERE delivered_ms IS NULL AND shed_ms IS NULL") ?? 0
            let excess = pending - limit
            guard excess > 0 else { return 0 }
            try db.execute(
                sql: """
                    UPDATE outbox SET shed_ms = ? WHERE seq IN (
                        SELECT o.seq FROM outbox o JOIN journal j ON j.seq = o.seq
                        WHERE o.delivered_ms IS NULL AND o.shed_ms IS NULL AND j.op = 'verify' ORDER BY o.seq LIMIT ?)
                    """,
                arguments: [time.milliseconds, excess])
            return db.changesCount
        }
    }
}
