public import StoregateCore
public import StoregateLedger
import StoregateContract

/// Writes the periodic `sales_summary` event: per SKU, what the sale, return, sell and redeem events since the
/// last summary add up to (``SalesTally``), with the journal range it covers, so HQ can check that it holds every
/// one of those events without waiting for a gap to age.
public struct SalesSummarizer: Sendable {
    public let ledger: Ledger
    public let disk: DiskGuard
    public let periodMinutes: Int

    public init(ledger: Ledger, disk: DiskGuard, periodMinutes: Int) {
        self.ledger = ledger
        self.disk = disk
        self.periodMinutes = periodMinutes
    }

    /// The summary of everything since the last one, for the period ending at `periodEnd`; nil when no sale,
    /// return, sell or redemption happened since.
    @discardableResult
    public func write(periodEnd: Timestamp, at time: Timestamp) throws -> JournalEvent? {
        try self.disk.write {
            try self.ledger.writeSalesSummary(periodEnd: periodEnd, at: time) { range in
                var tally = SalesTally()
                try range.forEachAcceptedPayload(of: SalesTally.countedOperations) { payload in
                    if let event = try? EventPayload.decode(payload) { tally.add(event) }
                }
                guard !tally.isEmpty else { return nil }
                return tally.summaryJSON(periodStartMs: range.periodStartMs, periodEndMs: range.periodEndMs,
                                         firstSeq: range.firstSeq, lastSeq: range.lastSeq)
            }
        }
    }

    /// The first period boundary after `time`: periods are aligned to the store's wall clock (a 15-minute period
    /// ends at :00, :15, :30 and :45 local time, whatever the offset).
    public static func nextBoundary(after time: Timestamp, periodMinutes: Int, utcOffsetMinutes: Int) -> Timestamp {
        let period = Int64(max(1, periodMinutes)) * 60_000
        let offset = Int64(utcOffsetMinutes) * 60_000
        let local = time.milliseconds + offset
        let next = (local / period + 1) * period
        return Timestamp(milliseconds: next - offset)
    }
}
