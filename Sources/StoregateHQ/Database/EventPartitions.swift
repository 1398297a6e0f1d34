import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The `events` table is partitioned by UTC day. Partitions are made ahead of time (today and the days after) by a
/// periodic job, and on demand for the days a batch holds that have none yet (a gateway's backlog from last week).
final class EventPartitions: Sendable {
    private let database: HQDatabase
    /// Days known to have a partition (days since 1970).
    private let known = Mutex<Set<Int>>([])

    init(database: HQDatabase) {
        self.database = database
    }

    /// Makes sure each day has its partition.
    func ensure(days: some Sequence<Int>) async throws {
        let missing = self.known.withLock { known in Set(days).subtracting(known) }
        guard !missing.isEmpty else { return }
        try await self.database.transaction { connection in
            // One instance at a time: CREATE TABLE IF NOT EXISTS is not safe against a concurrent creation.
            try await connection.query("SELECT pg_advisory_xact_lock(\(HQLocks.partitions))", logger: self.database.logger)
            for day in missing.sorted() {
                let (from, to) = (Self.dateText(day), Self.dateText(day + 1))
                // The names and bounds are made from an integer day here, never from input.
                try await connection.query(PostgresQuery(unsafeSQL: """
                    CREATE TABLE IF NOT EXISTS events_\(from.replacingOccurrences(of: "-", with: "")) PARTITION OF events
                    FOR VALUES FROM ('\(from)') TO ('\(to)')
                    """), logger: self.database.logger)
            }
        }
        self.known.withLock { $0.formUnion(missing) }
    }

    /// The partitions from yesterday to `ahead` days from now.
    func makeAhead(days ahead: Int, now: Int64) async throws {
        let today = Self.day(ofMilliseconds: now)
        try await self.ensure(days: (today - 1)...(today + ahead))
    }

    static func day(ofMilliseconds milliseconds: Int64) -> Int {
        Int((milliseconds >= 0 ? milliseconds : milliseconds - 86_399_999) / 86_400_000)
    }

    /// `YYYY-MM-DD` of a day since 1970 (UTC).
    static func dateText(_ day: Int) -> String {
        let date = Date(timeIntervalSince1970: TimeInterval(day) * 86_400)
        let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
    }
}
