/// A code's row in the ledger's registry, as the decision rules see it.
public struct CodeRecord: Sendable, Equatable {
    /// Canonical identity (``ParsedCode/id``).
    public var id: String
    /// `unit` or `logistic_unit` (cases); products are never registered.
    public var identityKind: IdentityKind
    public var product: String?
    public var lot: String?
    public var expiry: CivilDate?
    /// The case (logistic unit) this unit was packed in.
    public var parent: String?
    public var campaign: String?
    /// Regions and store ids where the code may be sold or redeemed; empty means anywhere.
    public var regions: [String]
    public var state: CodeState
    /// Accepted offline on the strength of its signature, before HQ registered it here; HQ confirms later.
    public var provisional: Bool
    public var revokedReason: String?
    public var lastChange: LastChange?

    public init(
        id: String,
        identityKind: IdentityKind = .unit,
        product: String? = nil,
        lot: String? = nil,
        expiry: CivilDate? = nil,
        parent: String? = nil,
        campaign: String? = nil,
        regions: [String] = [],
        state: CodeState = .issued,
        provisional: Bool = false,
        revokedReason: String? = nil,
        lastChange: LastChange? = nil
    ) {
        self.id = id
        self.identityKind = identityKind
        self.product = product
        self.lot = lot
        self.expiry = expiry
        self.parent = parent
        self.campaign = campaign
        self.regions = regions
        self.state = state
        self.provisional = provisional
        self.revokedReason = revokedReason
        self.lastChange = lastChange
    }
}
