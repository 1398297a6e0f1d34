import StoregateContract

/// The hourly counters one batch adds per store × GTIN × campaign, summed in memory so that a batch writes each
/// rollup row once (rows in key order: two instances adding to the same rows lock them in the same order).
struct RollupCounts: Sendable {
    struct Key: Hashable, Comparable, Sendable {
        var hourMs: Int64
        var storeID: String
        var gtin: String
        var campaign: String

        static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.hourMs, lhs.storeID, lhs.gtin, lhs.campaign) < (rhs.hourMs, rhs.storeID, rhs.gtin, rhs.campaign)
        }
    }

    struct Counters: Sendable, Equatable {
        var events: Int64 = 0
        var received: Int64 = 0
        var sold: Int64 = 0
        var returned: Int64 = 0
        var redemptions: Int64 = 0
        var voids: Int64 = 0
        var verifies: Int64 = 0
        var rejections: Int64 = 0
        /// Minor units of the store's currency: basket amounts less refunds.
        var revenueMinor: Int64 = 0
    }

    struct RejectionKey: Hashable, Comparable, Sendable {
        var key: Key
        var result: String

        static func < (lhs: RejectionKey, rhs: RejectionKey) -> Bool {
            (lhs.key, lhs.result) < (rhs.key, rhs.result)
        }
    }

    private(set) var counters: [Key: Counters] = [:]
    private(set) var rejections: [RejectionKey: Int64] = [:]

    /// Counts one new event. What counts as what is the one definition HQ's totals use (docs/hq.md): accepted
    /// operations by kind, every non-accepted result as a rejection by its result code. An event counts once under
    /// its own GTIN and campaign (as stored in `events`); a basket's or a return's lines add their units and money
    /// under each line's GTIN and campaign.
    mutating func add(_ event: IncomingEvent) {
        let payload = event.payload
        let hourMs = payload.timeMs - ((payload.timeMs % 3_600_000) + 3_600_000) % 3_600_000
        let key = Key(hourMs: hourMs, storeID: event.storeID, gtin: event.gtin ?? "", campaign: payload.details?.campaign ?? "")
        var counters = self.counters[key] ?? Counters()
        counters.events += 1
        if payload.result == "accepted" {
            switch payload.op {
            case "receive": counters.received += 1
            case "sell": counters.sold += 1
            case "redeem": counters.redemptions += 1
            case "void": counters.voids += 1
            case "verify": counters.verifies += 1
            default: break
            }
        } else {
            counters.rejections += 1
            self.rejections[RejectionKey(key: key, result: payload.result), default: 0] += 1
        }
        self.counters[key] = counters
        guard payload.result == "accepted", payload.op == "sale" || payload.op == "return" else { return }
        for line in payload.details?.lines ?? [] {
            let lineKey = Key(hourMs: hourMs, storeID: event.storeID, gtin: line.gtin ?? "", campaign: line.campaign ?? "")
            var lineCounters = self.counters[lineKey] ?? Counters()
            if payload.op == "sale" {
                lineCounters.sold += line.quantity
                lineCounters.revenueMinor += line.amount ?? 0
            } else {
                lineCounters.returned += line.quantity
                lineCounters.revenueMinor -= line.refund ?? 0
            }
            self.counters[lineKey] = lineCounters
        }
    }
}
