/// What a lane or the POS asks the ledger to do with a scanned code.
public enum Operation: String, Sendable, Codable, CaseIterable {
    /// Read only: is this code genuine, and what state is it in? Journaled, changes no state.
    case verify
    /// Goods arrive in the store; a case code unpacks its children.
    case receive
    case sell
    case redeem
    /// Undo of the last operation on a code, within the undo window, by default only from the same lane/operator.
    case void
}
