public import StoregateCore

/// A POS receipt as one operation: every serialised unit in it is sold, every reward redeemed, or nothing changes.
/// Money is in integer minor units of `currency` (cents, fen): never floating point.
public struct SaleBasket: Sendable, Equatable {
    /// The POS's receipt id: the basket's idempotency key (the same receipt again returns the first answer).
    public var receipt: String
    /// ISO 4217 code; nil for a scanner-only store that records no prices.
    public var currency: String?
    public var lines: [SaleLine]
    /// The till (lane), its role, the operator and when.
    public var context: DecisionContext
    /// Check every line under today's rules and change nothing.
    public var dryRun: Bool

    public init(receipt: String, currency: String?, lines: [SaleLine], context: DecisionContext, dryRun: Bool = false) {
        self.receipt = receipt
        self.currency = currency
        self.lines = lines
        self.context = context
        self.dryRun = dryRun
    }

    /// What makes a repeated receipt "the same": its content and who rang it up, not the time nor `dry_run`.
    var fingerprint: String {
        var parts = [self.currency ?? "", self.context.lane, self.context.operator]
        for line in self.lines {
            parts.append([line.kind.rawValue, line.code?.id ?? "", line.gtin ?? "", String(line.quantity),
                          line.unitPrice.map(String.init) ?? "", String(line.discount)].joined(separator: "\u{1F}"))
        }
        return parts.joined(separator: "\u{1E}")
    }
}

/// One line of a basket.
public struct SaleLine: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable {
        /// A serialised unit (一物一码): one code, one unit, sold under today's rules.
        case unit
        /// Ordinary goods by GTIN and quantity: counted, no unit state.
        case plain
        /// 再来一瓶: the prize code (`code`) is redeemed in the same transaction and the free item (`gtin`) is a line
        /// at price 0 linked to that redemption's event.
        case reward
    }

    public var kind: Kind
    /// The scanned code of a unit line, the prize code of a reward line.
    public var code: ParsedCode?
    /// The code's signature checked against the trusted keys.
    public var signature: SignatureCheck
    /// GTIN-14 of a plain line or of a reward's free item; a unit line's comes from its code.
    public var gtin: String?
    public var quantity: Int
    /// Price of one unit in minor units; nil where the till records none.
    public var unitPrice: Int64?
    /// Discount on the whole line, in minor units.
    public var discount: Int64

    public init(kind: Kind, code: ParsedCode? = nil, signature: SignatureCheck = .absent, gtin: String? = nil,
                quantity: Int = 1, unitPrice: Int64? = nil, discount: Int64 = 0) {
        self.kind = kind
        self.code = code
        self.signature = signature
        self.gtin = gtin
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.discount = discount
    }

    /// What the line costs the customer: quantity × price − discount (0 when no price is recorded or a reward).
    public var amount: Int64 {
        guard self.kind != .reward, let price = self.unitPrice else { return 0 }
        return Int64(self.quantity) * price - self.discount
    }
}

/// The answer to a basket: accepted (recorded as one `sale` event), checked (a dry run that would be accepted) or
/// rejected (nothing changed), with every line's own result so the POS can drop a line and try again.
public struct SaleOutcome: Sendable, Equatable {
    public struct LineResult: Sendable, Equatable {
        /// 1-based, as the POS sent them.
        public var line: Int
        public var result: ResultCode
        public var reason: String
        /// A reward line's redemption event.
        public var redemptionSeq: Int64?
        public var redemptionEventID: String?
    }

    public var receipt: String
    public var accepted: Bool
    public var dryRun: Bool
    /// The `sale` event; nil when nothing was recorded.
    public var seq: Int64?
    public var eventID: String?
    public var lines: [LineResult]
    /// Σ line amounts, in `currency`'s minor units.
    public var total: Int64
    public var currency: String?
    /// True when this is the stored first answer to a repeated receipt (nothing new was written).
    public var replayed: Bool
}
