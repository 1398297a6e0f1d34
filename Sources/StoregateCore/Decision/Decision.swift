/// What the ledger must write for an accepted operation. Rejections always have ``none``.
public enum DecisionEffect: Sendable, Equatable {
    /// Nothing changes but the journal (rejections, `verify`, product receipts).
    case none
    /// The registered code moves to a new state; the change is remembered for `void`.
    case setState(CodeState)
    /// A code not in the registry, proven by its HQ signature, is registered as provisional in this state.
    case createProvisional(CodeState)
    /// A case is received: it and every child still `issued` become `received` in the same transaction.
    case receiveCase
    /// A product (EAN/UPC, GTIN without serial) was sold: counted, no unit state.
    case countProductSale
    /// `void`: restore the state before the change journaled at `undoneSeq` (and its unpacked children).
    case undo(restoring: CodeState, undoneSeq: Int64, undoneOperation: Operation)
}

/// Facts behind a decision, for the cashier's answer, the journal and HQ.
public struct DecisionDetails: Sendable, Equatable, Codable {
    /// The code's state before the operation (nil: not in the registry).
    public var state: CodeState?
    /// The earlier change this answer is about: when and where a code was already redeemed/sold/received,
    /// or the change `void` undid.
    public var earlier: LastChange?
    public var revokedReason: String?
    public var expiry: CivilDate?
    public var campaign: String?
    /// The parser's problems, for `malformed`.
    public var parseErrors: [ParseIssue]

    public init(
        state: CodeState? = nil,
        earlier: LastChange? = nil,
        revokedReason: String? = nil,
        expiry: CivilDate? = nil,
        campaign: String? = nil,
        parseErrors: [ParseIssue] = []
    ) {
        self.state = state
        self.earlier = earlier
        self.revokedReason = revokedReason
        self.expiry = expiry
        self.campaign = campaign
        self.parseErrors = parseErrors
    }
}

/// The answer to one operation on one code: a result from the closed set, a reason a cashier can read,
/// and what the ledger must change.
public struct Decision: Sendable, Equatable {
    public var result: ResultCode
    /// One sentence for the cashier, e.g. "Already redeemed on 2026-03-01 14:02 UTC at lane 3."
    public var reason: String
    public var effect: DecisionEffect
    /// True when the code was accepted only on the strength of its HQ signature (not yet in the registry).
    public var provisional: Bool
    public var details: DecisionDetails

    public init(
        result: ResultCode,
        reason: String,
        effect: DecisionEffect = .none,
        provisional: Bool = false,
        details: DecisionDetails = DecisionDetails()
    ) {
        self.result = result
        self.reason = reason
        self.effect = effect
        self.provisional = provisional
        self.details = details
    }

    /// The state the code is in after this decision is applied (nil: unchanged or not a registered unit).
    public var newState: CodeState? {
        switch self.effect {
        case .none, .countProductSale: return nil
        case .setState(let state), .createProvisional(let state): return state
        case .receiveCase: return .received
        case .undo(let state, _, _): return state
        }
    }
}
