import StoregateFoundation

/// Sell-out per SKU (GTIN × campaign) counted from events: what a `sales_summary` event reports for its journal
/// range, and what HQ and `hq tail` count again from the events they received to check it. One definition, so
/// the gateway and HQ cannot disagree on what counts:
/// - a unit sold (`sell`, or a `sale` line of any type) is one unit per quantity; revenue is the line's `amount`;
/// - a `return` line takes back its quantity and gives back its `refund`;
/// - an accepted `redeem` is a redemption of its code's GTIN and campaign.
/// Only accepted events count.
public struct SalesTally: Sendable, Equatable {
    public struct SKU: Hashable, Comparable, Sendable {
        public var gtin: String
        public var campaign: String

        public static func < (lhs: SKU, rhs: SKU) -> Bool { (lhs.gtin, lhs.campaign) < (rhs.gtin, rhs.campaign) }
    }

    public struct Totals: Sendable, Equatable {
        public var sold: Int64 = 0
        public var returned: Int64 = 0
        public var redemptions: Int64 = 0
        /// Minor units per ISO 4217 currency (sales less refunds).
        public var revenue: [String: Int64] = [:]
    }

    public private(set) var skus: [SKU: Totals] = [:]
    public private(set) var saleEvents: Int64 = 0
    public private(set) var returnEvents: Int64 = 0
    public private(set) var sellEvents: Int64 = 0
    public private(set) var redeemEvents: Int64 = 0

    public init() {}

    public var isEmpty: Bool { self.saleEvents + self.returnEvents + self.sellEvents + self.redeemEvents == 0 }

    /// The operations ``add(_:)`` counts (only when accepted): a summary need not read any other event.
    public static let countedOperations = ["sell", "redeem", "sale", "return"]

    public mutating func add(_ event: EventPayload) {
        guard event.result == "accepted" else { return }
        let details = event.details
        switch event.op {
        case "sell":
            self.sellEvents += 1
            self.skus[SKU(gtin: event.gtin ?? "", campaign: details?.campaign ?? ""), default: Totals()].sold += 1
        case "redeem":
            self.redeemEvents += 1
            self.skus[SKU(gtin: event.gtin ?? "", campaign: details?.campaign ?? ""), default: Totals()].redemptions += 1
        case "sale":
            self.saleEvents += 1
            for line in details?.lines ?? [] {
                let sku = SKU(gtin: line.gtin ?? "", campaign: line.campaign ?? "")
                self.skus[sku, default: Totals()].sold += line.quantity
                if let currency = details?.currency, let amount = line.amount {
                    self.skus[sku, default: Totals()].revenue[currency, default: 0] += amount
                }
            }
        case "return":
            self.returnEvents += 1
            for line in details?.lines ?? [] {
                let sku = SKU(gtin: line.gtin ?? "", campaign: line.campaign ?? "")
                self.skus[sku, default: Totals()].returned += line.quantity
                if let currency = details?.currency, let refund = line.refund {
                    self.skus[sku, default: Totals()].revenue[currency, default: 0] -= refund
                }
            }
        default:
            break
        }
    }

    /// The `summary` object of a `sales_summary` event's details.
    public func summaryJSON(periodStartMs: Int64, periodEndMs: Int64, firstSeq: Int64, lastSeq: Int64) -> String {
        var writer = JSONObjectWriter()
        writer.addObject("summary") { summary in
            summary.add("period_start_ms", periodStartMs)
            summary.add("period_end_ms", periodEndMs)
            summary.add("first_seq", firstSeq)
            summary.add("last_seq", lastSeq)
            summary.add("sale_events", self.saleEvents)
            summary.add("return_events", self.returnEvents)
            summary.add("sell_events", self.sellEvents)
            summary.add("redeem_events", self.redeemEvents)
            summary.addObjects("skus", self.skus.sorted { $0.key < $1.key }) { nested, entry in
                nested.add("gtin", entry.key.gtin)
                nested.add("campaign", entry.key.campaign)
                nested.add("sold", entry.value.sold)
                nested.add("returned", entry.value.returned)
                nested.add("redemptions", entry.value.redemptions)
                nested.addObjects("revenue", entry.value.revenue.sorted { $0.key < $1.key }) { money, pair in
                    money.add("currency", pair.key)
                    money.add("minor", pair.value)
                }
            }
        }
        return writer.finished()
    }

    /// The tally a summary reports, to compare with one counted from events.
    public init(_ summary: SalesSummary) {
        self.saleEvents = summary.saleEvents
        self.returnEvents = summary.returnEvents
        self.sellEvents = summary.sellEvents
        self.redeemEvents = summary.redeemEvents
        for sku in summary.skus {
            var totals = Totals(sold: sku.sold, returned: sku.returned, redemptions: sku.redemptions)
            for money in sku.revenue { totals.revenue[money.currency] = money.minor }
            self.skus[SKU(gtin: sku.gtin, campaign: sku.campaign)] = totals
        }
    }

    /// Where two tallies differ, in words (empty when they agree).
    public func differences(from other: SalesTally) -> [String] {
        var found: [String] = []
        for (name, mine, theirs) in [("sale events", self.saleEvents, other.saleEvents), ("return events", self.returnEvents, other.returnEvents),
                                     ("sell events", self.sellEvents, other.sellEvents), ("redeem events", self.redeemEvents, other.redeemEvents)]
            where mine != theirs {
            found.append("\(name): \(mine) here, \(theirs) there")
        }
        for sku in Set(self.skus.keys).union(other.skus.keys).sorted() where self.skus[sku] != other.skus[sku] {
            let mine = self.skus[sku] ?? Totals(), theirs = other.skus[sku] ?? Totals()
            found.append("\(sku.gtin)/\(sku.campaign.isEmpty ? "-" : sku.campaign): sold \(mine.sold)/\(theirs.sold), "
                + "returned \(mine.returned)/\(theirs.returned), redemptions \(mine.redemptions)/\(theirs.redemptions), "
                + "revenue \(mine.revenue.sorted { $0.key < $1.key })/\(theirs.revenue.sorted { $0.key < $1.key })")
        }
        return found
    }
}

/// The `summary` of a `sales_summary` event (docs/schemas/event.v1.json).
public struct SalesSummary: Sendable, Equatable, Decodable {
    public struct SKU: Sendable, Equatable, Decodable {
        public struct Money: Sendable, Equatable, Decodable {
            public var currency: String
            public var minor: Int64
        }
        public var gtin: String
        public var campaign: String
        public var sold: Int64
        public var returned: Int64
        public var redemptions: Int64
        public var revenue: [Money]
    }

    public var periodStartMs: Int64
    public var periodEndMs: Int64
    public var firstSeq: Int64
    public var lastSeq: Int64
    public var saleEvents: Int64
    public var returnEvents: Int64
    public var sellEvents: Int64
    public var redeemEvents: Int64
    public var skus: [SKU]

    private enum CodingKeys: String, CodingKey {
        case skus
        case periodStartMs = "period_start_ms", periodEndMs = "period_end_ms", firstSeq = "first_seq", lastSeq = "last_seq"
        case saleEvents = "sale_events", returnEvents = "return_events", sellEvents = "sell_events", redeemEvents = "redeem_events"
    }
}
