/// The outcome of checking a code's signature tail against HQ's trusted keys (done in StoregateTrust).
public enum SignatureCheck: Sendable, Equatable {
    /// The code carries no signature.
    case absent
    /// HQ issued this code: the signature verifies under a trusted key.
    case valid(keyID: String)
    /// A signature is present but does not prove issuance (unknown key id, wrong signature, bad encoding).
    case invalid(reason: String)
}
