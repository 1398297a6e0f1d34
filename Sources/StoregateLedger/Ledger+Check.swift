import Foundation
import GRDB

/// The outcome of `ledger check`.
public struct LedgerCheckReport: Sendable, Equatable {
    /// SQLite's `integrity_check` lines ("ok" when sound).
    public var integrity: [String]
    public var eventsChecked: Int64
    /// The first journal sequence number where something is wrong, nil when everything holds.
    public var firstBrokenSeq: Int64?
    /// What is wrong, one line each (empty when everything holds).
    public var problems: [String]

    public var isOK: Bool { self.problems.isEmpty && self.integrity == ["ok"] }
}

extension Ledger {
    /// Verifies the whole ledger: SQLite's integrity check, sequence numbers gap-free from 1, every event's
    /// `prev_hash` equal to the hash before it and its `hash` equal to SHA-256 of its canonical payload, an outbox
    /// row for every event except those pruned after delivery or shedding (`outbox_pruned`), exactly that payload in
    /// every outbox row, and no outbox row without an event.
    /// - Parameter quick: run SQLite's `quick_check` (no index-content verification; much faster on a big
    ///   registry) instead of `integrity_check`. The journal checks are the same.
    public func check(quick: Bool = false, maximumProblems: Int = 20) throws -> LedgerCheckReport {
        try self.writer.read { db in
            let integrity = try String.fetchAll(db, sql: quick ? "PRAGMA quick_check" : "PRAGMA integrity_check")
            var problems: [String] = []
            var firstBroken: Int64?
            func broken(_ seq: Int64, _ message: String) {
                if firstBroken == nil { firstBroken = seq }
                if problems.count < maximumProblems { problems.append("event \(seq): \(message)") }
            }
            var expectedSeq: Int64 = 1
            var previousHash = JournalEvent.genesisHash
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT \(JournalRow.columns.split(separator: ",").map { "j." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")),
                    o.payload, p.seq IS NOT NULL
                FROM journal j LEFT JOIN outbox o ON o.seq = j.seq LEFT JOIN outbox_pruned p ON p.seq = j.seq ORDER BY j.seq
                """)
            while let row = try cursor.next() {
                let event = try JournalRow.event(row)
                if event.seq != expectedSeq {
                    broken(expectedSeq, "missing: the journal jumps from \(expectedSeq - 1) to \(event.seq)")
                }
                if event.prevHash != previousHash {
                    broken(event.seq, "prev_hash does not match the hash of the event before it")
                }
                let payload = event.canonicalBytes
                if JournalEvent.hash(of: payload) != event.hash {
                    broken(event.seq, "hash does not match the event's contents (changed after it was written)")
                }
                if let outboxPayload = row[JournalRow.columnCount] as String? {
                    if !outboxPayload.utf8.elementsEqual(payload) { broken(event.seq, "outbox payload differs from the journal event") }
                } else if !(row[JournalRow.columnCount + 1] as Bool) {
                    broken(event.seq, "no outbox row, and it was not pruned after delivery: the event may never reach HQ "
                        + "(`storegate outbox requeue` rebuilds it from the journal)")
                }
                previousHash = event.hash
                expectedSeq = event.seq + 1
            }
            let orphans = try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE seq NOT IN (SELECT seq FROM journal)") ?? 0
            if orphans > 0 {
                let first = try Int64.fetchOne(db, sql: "SELECT min(seq) FROM outbox WHERE seq NOT IN (SELECT seq FROM journal)") ?? 0
                broken(first, "\(orphans) outbox row(s) without a journal event")
            }
            return LedgerCheckReport(integrity: integrity, eventsChecked: expectedSeq - 1, firstBrokenSeq: firstBroken, problems: problems)
        }
    }
}
