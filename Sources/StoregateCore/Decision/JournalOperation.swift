/// What a journal event records: one of the per-code ``Operation``s, or a store-sales event that spans codes
/// (a POS basket, a return, the periodic per-SKU summary). Raw values are the `op` of the MQTT contract.
public enum JournalOperation: String, Sendable, Codable, CaseIterable {
    case verify, receive, sell, redeem, void
    /// A POS basket: its serialised units sold, plain lines counted, rewards linked to their redemptions.
    case sale
    /// Goods taken back against a receipt.
    case `return`
    /// Per-SKU totals of a period, with the journal range they cover.
    case salesSummary = "sales_summary"
    /// A signed HQ message applied to the ledger (revocations, policy, keys, a code batch, a sync, a command): what
    /// changed is in `details`. Counts as nothing in sales or redemptions.
    case downlink

    public init(_ operation: Operation) {
        switch operation {
        case .verify: self = .verify
        case .receive: self = .receive
        case .sell: self = .sell
        case .redeem: self = .redeem
        case .void: self = .void
        }
    }

    /// The per-code operation this event records, nil for store-sales events.
    public var codeOperation: Operation? { Operation(rawValue: self.rawValue) }
}
