import Logging
import PostgresNIO
import StoregateContract

/// A broadcast message (`keys`, `policy`, `codes`, `revocations` to `*`) tracked per known store until the store
/// reports it, like a code batch's messages. A broadcast is published once; a store offline with no session, or
/// whose broker dropped its queue, never gets it, and one that missed a message and applied a later one of the
/// stream refuses the missed one as `replayed`. So a store that has not reported a broadcast message within
/// `downlink.resend_seconds` is sent it on its own stream (``DownlinkCopies``: fresh seq and `issued_ms`), and that
/// copy is published again, with growing pauses, until the store reports it. Sync beacons are not tracked.
///
/// Known stores are those of `stores` and `gateways`; one that appears later is tracked for every broadcast
/// message from its stream's first (what it missed). Each pass does a bounded amount of work.
struct BroadcastDelivery {
    let database: HQDatabase
    let copies: DownlinkCopies
    let resendMilliseconds: Int64
    let logger: Logger

    static let streams = DownlinkResend.kinds.map { "\($0):*" }
    /// Per pass: store × stream cursors moved forward, messages per cursor, tracked rows looked at.
    static let cursorsPerPass = 200
    static let messagesPerCursor = 100
    static let checksPerPass = 200
    /// The pause between publications of a copy doubles up to this many resend intervals.
    static let maximumBackoff: Int64 = 64

    /// `lookForNewStores`: also start tracking the stores that appeared since (a scan of `stores` and `gateways`,
    /// so not on every pass).
    func run(now: Int64, lookForNewStores: Bool = true) async throws {
        if lookForNewStores { try await self.trackNewStores() }
        try await self.track(now: now)
        try await self.check(now: now)
    }

    /// A store HQ did not know yet starts at seq 0 of every broadcast stream.
    private func trackNewStores() async throws {
        try await self.database.client.query("""
            INSERT INTO broadcast_cursors (store_id, stream, through_seq)
            SELECT s.store_id, t.stream, 0
            FROM (SELECT store_id FROM stores UNION SELECT store_id FROM gateways) AS s
            CROSS JOIN unnest(\(Self.streams)::text[]) AS t(stream)
            WHERE NOT EXISTS (SELECT 1 FROM broadcast_cursors AS c WHERE c.store_id = s.store_id AND c.stream = t.stream)
            ON CONFLICT DO NOTHING
            """, logger: self.logger)
    }

    /// Rows for the broadcast messages written since each cursor, due one resend interval after publication.
    private func track(now: Int64) async throws {
        try await self.database.client.query("""
            WITH due AS (
                SELECT c.store_id, c.stream, c.through_seq FROM broadcast_cursors AS c
                JOIN downlink_streams AS d ON d.stream = c.stream
                WHERE c.through_seq < d.seq
                ORDER BY c.store_id, c.stream LIMIT \(Self.cursorsPerPass)
                FOR UPDATE OF c SKIP LOCKED),
            messages AS (
                SELECT due.store_id, o.stream, o.seq, coalesce(o.published_ms, \(now)) AS published_ms
                FROM due CROSS JOIN LATERAL (
                    SELECT stream, seq, published_ms FROM downlink_outbox AS o
                    WHERE o.stream = due.stream AND o.seq > due.through_seq
                    ORDER BY o.seq LIMIT \(Self.messagesPerCursor)) AS o),
            tracked AS (
                INSERT INTO broadcast_delivery (stream, seq, store_id, sent_stream, sent_seq, due_ms, updated_ms)
                SELECT stream, seq, store_id, stream, seq, published_ms + \(self.resendMilliseconds), \(now) FROM messages
                ON CONFLICT DO NOTHING)
            UPDATE broadcast_cursors AS c SET through_seq = m.through
            FROM (SELECT store_id, stream, max(seq) AS through FROM messages GROUP BY store_id, stream) AS m
            WHERE c.store_id = m.store_id AND c.stream = m.stream
            """, logger: self.logger)
    }

    private struct Row {
        var stream: String
        var seq: Int64
        var store: String
        var sentStream: String
        var sentSeq: Int64
        var resends: Int32
    }

    private struct Report {
        var outcome: String
        var problem: String
        var reason: String
    }

    /// Each due row: a report of the broadcast or of its copy settles it; otherwise the store is sent a copy (or
    /// its copy again). A copy rejected `expired` is left to ``DownlinkReissue``.
    private func check(now: Int64) async throws {
        try await self.database.transaction { connection in
            let due = try await connection.query("""
                SELECT stream, seq, store_id, sent_stream, sent_seq, resends FROM broadcast_delivery
                WHERE state = 'sent' AND due_ms <= \(now)
                ORDER BY due_ms, stream, seq LIMIT \(Self.checksPerPass)
                FOR UPDATE SKIP LOCKED
                """, logger: self.logger)
            var rows: [Row] = []
            for try await (stream, seq, store, sentStream, sentSeq, resends) in due.decode((String, Int64, String, String, Int64, Int32).self) {
                rows.append(Row(stream: stream, seq: seq, store: store, sentStream: sentStream, sentSeq: sentSeq, resends: resends))
            }
            guard !rows.isEmpty else { return }
            let reports = try await self.reports(for: rows, on: connection)
            var settled: [(row: Row, state: String, reason: String)] = []
            var republish: [Row] = []
            var postponed: [Row] = []
            var copied = Set<String>()
            for row in rows {
                let awaited = reports["\(row.store)|\(row.sentStream)|\(row.sentSeq)"] ?? []
                let all = (reports["\(row.store)|\(row.stream)|\(row.seq)"] ?? []) + awaited
                if let final = all.first(where: { $0.outcome != DownlinkReport.Outcome.rejected.rawValue })
                    ?? all.first(where: { ![DownlinkReport.Problem.expired.rawValue, DownlinkReport.Problem.replayed.rawValue].contains($0.problem) }) {
                    settled.append((row, final.outcome, final.reason))
                } else if awaited.contains(where: { $0.problem == DownlinkReport.Problem.expired.rawValue }) {
                    postponed.append(row)  // DownlinkReissue's to issue again
                } else if row.sentStream == row.stream || !awaited.isEmpty {
                    // Not received, or refused as `replayed` (the store applied a later message of that stream).
                    if copied.contains("\(row.store)|\(row.stream)|\(row.seq)") { continue }
                    let made = try await self.copies.copy(stream: row.stream, seq: row.seq, to: row.store, on: connection, now: now,
                                                          logger: self.logger)
                    for copy in made { copied.insert("\(row.store)|\(copy.stream)|\(copy.seq)") }
                    try await DownlinkCopies.awaitCopies(made, store: row.store, wait: self.wait(after: row.resends),
                                                         on: connection, now: now, logger: self.logger)
                    try await self.counted([row], on: connection)
                    self.logger.notice("broadcast \(row.stream) seq \(row.seq) not reported by store \(row.store): sent on its own stream (\(made.count) message(s))")
                } else {
                    republish.append(row)
                }
            }
            try await self.settle(settled, on: connection, now: now)
            try await self.republish(republish, on: connection, now: now)
            try await self.reschedule(postponed, on: connection, now: now)
        }
    }

    private func wait(after resends: Int32) -> Int64 {
        self.resendMilliseconds * min(Self.maximumBackoff, Int64(1) << min(Int64(resends), 6))
    }

    /// The reports of the rows' broadcast messages and of the copies they await, by "store|stream|seq".
    private func reports(for rows: [Row], on connection: PostgresConnection) async throws -> [String: [Report]] {
        let keys = rows.map { ($0.store, $0.stream, $0.seq) } + rows.map { ($0.store, $0.sentStream, $0.sentSeq) }
        let found = try await connection.query("""
            SELECT r.store_id, r.stream, r.seq, r.outcome, coalesce(r.problem, ''), r.reason FROM downlink_reports AS r
            JOIN unnest(\(keys.map(\.0))::text[], \(keys.map(\.1))::text[], \(keys.map(\.2))::bigint[]) AS u(store_id, stream, seq)
              ON r.store_id = u.store_id AND r.stream = u.stream AND r.seq = u.seq
            """, logger: self.logger)
        var reports: [String: [Report]] = [:]
        for try await (store, stream, seq, outcome, problem, reason) in found.decode((String, String, Int64, String, String, String).self) {
            reports["\(store)|\(stream)|\(seq)", default: []].append(Report(outcome: outcome, problem: problem, reason: reason))
        }
        return reports
    }

    private func settle(_ settled: [(row: Row, state: String, reason: String)], on connection: PostgresConnection, now: Int64) async throws {
        guard !settled.isEmpty else { return }
        try await connection.query("""
            UPDATE broadcast_delivery AS d SET state = u.state, reason = u.reason, updated_ms = \(now)
            FROM unnest(\(settled.map(\.row.stream))::text[], \(settled.map(\.row.seq))::bigint[], \(settled.map(\.row.store))::text[],
                        \(settled.map(\.state))::text[], \(settled.map(\.reason))::text[]) AS u(stream, seq, store_id, state, reason)
            WHERE d.stream = u.stream AND d.seq = u.seq AND d.store_id = u.store_id
            """, logger: self.logger)
    }

    /// The copies not reported are published again (the same signed bytes; a store that has it answers `duplicate`).
    private func republish(_ rows: [Row], on connection: PostgresConnection, now: Int64) async throws {
        guard !rows.isEmpty else { return }
        try await connection.query("""
            UPDATE downlink_outbox AS o SET published_ms = NULL
            FROM unnest(\(rows.map(\.sentStream))::text[], \(rows.map(\.sentSeq))::bigint[]) AS u(stream, seq)
            WHERE o.stream = u.stream AND o.seq = u.seq
            """, logger: self.logger)
        try await self.reschedule(rows, on: connection, now: now)
        try await self.counted(rows, on: connection)
    }

    private func reschedule(_ rows: [Row], on connection: PostgresConnection, now: Int64) async throws {
        guard !rows.isEmpty else { return }
        try await connection.query("""
            UPDATE broadcast_delivery AS d SET due_ms = \(now) + u.wait, updated_ms = \(now)
            FROM unnest(\(rows.map(\.stream))::text[], \(rows.map(\.seq))::bigint[], \(rows.map(\.store))::text[],
                        \(rows.map { self.wait(after: $0.resends) })::bigint[]) AS u(stream, seq, store_id, wait)
            WHERE d.stream = u.stream AND d.seq = u.seq AND d.store_id = u.store_id
            """, logger: self.logger)
    }

    private func counted(_ rows: [Row], on connection: PostgresConnection) async throws {
        try await connection.query("""
            UPDATE broadcast_delivery AS d SET resends = d.resends + 1
            FROM unnest(\(rows.map(\.stream))::text[], \(rows.map(\.seq))::bigint[], \(rows.map(\.store))::text[]) AS u(stream, seq, store_id)
            WHERE d.stream = u.stream AND d.seq = u.seq AND d.store_id = u.store_id
            """, logger: self.logger)
    }
}
