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

    /// The operations a lane with this role may ask for. Every role may `verify` and `void` its own operations.
    public var allowedOperations: Set<Operation> {
        switch self {
        case .receiving: return [.verify, .receive, .void]
        case .checkout: return [.verify, .sell, .redeem, .void]
        case .redemption: return [.verify, .redeem, .void]
        case .service: return Set(Operation.allCases)
        }
    }

    public func allows(_ operation: Operation) -> Bool {
        self.allowedOperations.contains(operation)
    }
}
