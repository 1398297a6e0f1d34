public import StoregateCore
@preconcurrency import Crypto

/// HQ's public keys this gateway trusts, by key id; proves offline that HQ issued a code.
public struct TrustedKeys: Sendable {
    private let keys: [String: Curve25519.Signing.PublicKey]

    public init() {
        self.keys = [:]
    }

    /// - Parameter publicKeys: key id → base64url raw Ed25519 public key (32 bytes).
    public init(publicKeys: [String: String]) throws(TrustError) {
        var keys: [String: Curve25519.Signing.PublicKey] = [:]
        for (keyID, text) in publicKeys {
            keys[keyID] = try Ed25519Keys.publicKey(text, keyID: keyID)
        }
        self.keys = keys
    }

    public var keyIDs: [String] { self.keys.keys.sorted() }

    /// Checks the signature tail of a parsed code against its canonical id.
    public func check(_ code: ParsedCode) -> SignatureCheck {
        guard let signature = code.signature else { return .absent }
        guard let id = code.id else { return .invalid(reason: "the code has no identity to verify") }
        guard let key = self.keys[signature.keyID] else {
            return .invalid(reason: "signed with key \(signature.keyID), which this store does not trust")
        }
        guard let bytes = Base64URL.decode(signature.signature), bytes.count == 64 else {
            return .invalid(reason: "signature is not 64 bytes of base64url")
        }
        guard key.isValidSignature(bytes, for: Array(id.utf8)) else {
            return .invalid(reason: "signature does not match the code under key \(signature.keyID)")
        }
        return .valid(keyID: signature.keyID)
    }
}

/// A key that cannot be read or used.
public struct TrustError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { self.message }
}
