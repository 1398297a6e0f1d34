import StoregateLedger

/// Reads the outbox for the uplink in large batches and serves the window's small refills from memory: one query
/// per `batchSize` events instead of one per quarter window (a 200k backlog was 8,000 queries, now 400).
///
/// A batch is kept per upper bound of the range asked for (the backlog stream is bounded by where live events
/// start; the live stream is not), so interleaving does not make the two streams evict each other. A batch only
/// answers a request that starts exactly where it left off; anything else (a restart after reconnect, a refusal,
/// telemetry shed meanwhile) reads again. New events always have higher seqs than a batch, so serving a batch
/// before re-reading keeps sequence order.
struct OutboxReadAhead {
    private struct Batch {
        var rows: [OutboxEntry]
        var next: Int
        /// The lowest seq a request may start at to be answered by `rows[next...]`.
        var floor: Int64
    }

    let batchSize: Int
    private var batches: [Int64: Batch] = [:]

    init(batchSize: Int) {
        self.batchSize = max(1, batchSize)
    }

    /// Up to `limit` pending events with `from <= seq < before`, in order.
    mutating func pending(
        from: Int64, before: Int64, limit: Int, read: (Int64, Int64, Int) throws -> [OutboxEntry]
    ) rethrows -> ArraySlice<OutboxEntry> {
        if var batch = self.batches[before], batch.next < batch.rows.count,
           batch.floor <= from, from <= batch.rows[batch.next].seq {
            let end = min(batch.rows.count, batch.next + limit)
            let slice = batch.rows[batch.next..<end]
            batch.next = end
            batch.floor = batch.rows[end - 1].seq + 1
            self.batches[before] = batch
            return slice
        }
        let rows = try read(from, before, max(limit, self.batchSize))
        guard !rows.isEmpty else {
            self.batches[before] = nil
            return []
        }
        let end = min(rows.count, limit)
        self.batches[before] = Batch(rows: rows, next: end, floor: rows[end - 1].seq + 1)
        return rows[0..<end]
    }

    /// Forgets every batch (after a restart of the window or when rows may have changed under it).
    mutating func invalidate() {
        self.batches.removeAll()
    }
}
