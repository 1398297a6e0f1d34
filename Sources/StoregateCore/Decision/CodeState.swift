/// Where a registered code stands at this store. A code that is not in the registry has no state (`nil`).
///
/// Raw values are stored in the ledger and sent to HQ; never change them.
public enum CodeState: String, Sendable, Codable, CaseIterable {
    /// In the registry (HQ issued it), never seen at this store.
    case issued
    /// Arrived in the store (scanned at receiving, or unpacked from a received case).
    case received
    /// Sold at this store.
    case sold
    /// Redeemed at this store: money the store is reimbursed for. Happens once, ever.
    case redeemed
    /// Withdrawn by HQ (counterfeit, recalled, stolen): blocks everything but `verify`.
    case revoked
}
