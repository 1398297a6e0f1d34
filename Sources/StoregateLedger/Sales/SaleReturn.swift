public import StoregateCore

/// Goods taken back against a receipt, as one operation: every line of it is taken back, or nothing changes.
public struct SaleReturn: Sendable, Equatable {
    /// What is taken back: a quantity of one receipt line, or one serialised unit by its code.
    public enum Item: Sendable, Equatable {
        case line(Int, quantity: Int)
        case unit(codeID: String)
    }

    /// The POS's id for this return: its idempotency key.
    public var returnID: String
    /// The receipt the goods were sold on, at this store.
    public var receipt: String
    public var items: [Item]
    public var context: DecisionContext

    public init(returnID: String, receipt: String, items: [Item], context: DecisionContext) {
        self.returnID = returnID
        self.receipt = receipt
        self.items = items
        self.context = context
    }

    var fingerprint: String {
        let items = self.items.map { item -> String in
            switch item {
            case .line(let number, let quantity): "line:\(number):\(quantity)"
            case .unit(let id): "unit:\(id)"
            }
        }
        return ([self.receipt, self.context.lane, self.context.operator] + items).joined(separator: "\u{1E}")
    }
}

/// A recorded return: its `return` event and what is refunded.
public struct ReturnOutcome: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public var line: Int
        public var gtin: String?
        public var code: String?
        public var campaign: String?
        public var quantity: Int
        /// This return's share of the line's amount, in minor units.
        public var refund: Int64
    }

    public var returnID: String
    public var receipt: String
    public var seq: Int64
    public var eventID: String
    public var lines: [Line]
    public var refund: Int64
    public var currency: String?
    public var replayed: Bool
}
