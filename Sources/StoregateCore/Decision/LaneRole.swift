/// What a lane is for; each role allows a subset of the operations.
///
/// Raw values appear in configuration, the CLI's `--role` and the journal; never change them.
public enum LaneRole: String, Sendable, Codable, CaseIterable {
    /// Goods in: receive cases and units.
    case receiving
    /// The till: sells units and products, and redeems prize codes presented at payment.
    case checkout
    /// A redemption counter: redeems only.
    case redemption
    /// Store staff and the operator's CLI: every operation.
    case service
    /// A scanner-only till (no POS): each scan is a one-line basket (`sale` event); a retail barcode is a plain line.
    case sale

    /// The operations a lane with this role may ask for. Every role may `verify` and `void` its own operations.
    public var allowedOperations: Set<Operation> {
        Set(Operation.allCases.filter(self.allows))
    }

    /// A switch rather than a set: it runs on every operation, and a set literal is built on every use.
    public func allows(_ operation: Operation) -> Bool {
        switch (self, operation) {
        case (_, .verify), (_, .void), (.service, _): return true
        case (.receiving, .receive), (.checkout, .sell), (.checkout, .redeem), (.redemption, .redeem), (.sale, .sell): return true
        default: return false
        }
    }
}
