/// The closed set of answers an operation can get. Raw values are the stable machine codes of the API,
/// the CLI's `--json` output and the MQTT contract; docs/results.md documents each one.
public enum ResultCode: String, Sendable, Codable, CaseIterable {
    case accepted
    case alreadyReceived = "already_received"
    case alreadySold = "already_sold"
    case alreadyRedeemed = "already_redeemed"
    case revoked
    case unknownCode = "unknown_code"
    case badSignature = "bad_signature"
    case malformed
    case expired
    case wrongRegion = "wrong_region"
    case campaignInactive = "campaign_inactive"
    case undoWindowPassed = "undo_window_passed"
    case notAllowedForLane = "not_allowed_for_lane"
    /// A product code (EAN/UPC, GTIN without serial) or a case: never redeemable as a unit.
    case notRedeemable = "not_redeemable"
    case nothingToUndo = "nothing_to_undo"
    /// A case or pallet (logistic unit) is not sold at the till: receive it to unpack its units, then sell those.
    case notSellable = "not_sellable"
    /// The code's campaign requires that this store sold the unit before redeeming it, and it did not.
    case notSoldHere = "not_sold_here"
    /// The store has not synced with HQ for longer than HQ's limit: redemptions and provisional acceptances wait
    /// until it has (verify and sell go on).
    case syncOverdue = "sync_overdue"

    public var isAccepted: Bool { self == .accepted }
}
