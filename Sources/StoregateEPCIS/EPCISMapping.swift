public import StoregateCore

/// What an operation is in GS1's Core Business Vocabulary (CBV 2.0): the business step and the disposition the
/// codes are left in. docs/epcis.md gives the reason for each choice.
public struct EPCISStep: Sendable, Equatable {
    public var bizStep: String
    /// nil: the event says nothing about the codes' condition.
    public var disposition: String?
}

public enum EPCISMapping {
    /// Redeeming a code's reward: CBV has no step or disposition for it, so storegate's namespace names both.
    public static let redeeming = EPCISDocument.namespace + "bizstep/redeeming"
    public static let redeemed = EPCISDocument.namespace + "disposition/redeemed"
    /// Undoing the code's last operation within the undo window.
    public static let voiding = EPCISDocument.namespace + "bizstep/voiding"

    /// The step of each exported operation; nil for what is not exported (`verify` changes nothing, summaries and
    /// downlink events are about the gateway, not about codes).
    public static func step(_ operation: JournalOperation) -> EPCISStep? {
        switch operation {
        case .receive: EPCISStep(bizStep: "receiving", disposition: "in_progress")
        case .sell, .sale: EPCISStep(bizStep: "retail_selling", disposition: "retail_sold")
        case .return: EPCISStep(bizStep: "receiving", disposition: "returned")
        case .redeem: EPCISStep(bizStep: Self.redeeming, disposition: Self.redeemed)
        case .void: EPCISStep(bizStep: Self.voiding, disposition: nil)
        case .verify, .salesSummary, .downlink: nil
        }
    }

    /// A void leaves the code as it was before the operation it undid: the disposition the operation that puts a
    /// code in `state` gives it; nil for a code back to `issued` (no longer counted as in the store).
    public static func disposition(restoring state: CodeState) -> String? {
        switch state {
        case .received: Self.step(.receive)?.disposition
        case .sold: Self.step(.sell)?.disposition
        case .redeemed: Self.redeemed
        case .issued, .revoked: nil
        }
    }
}
