public import StoregateCore
@preconcurrency import Crypto

/// HQ's private key for issuing signed codes (HQ side: demos, tests, `storegate codes issue`).
public struct CodeSigningKey: Sendable {
    public let keyID: String
    private let key: Curve25519.Signing.PrivateKey

    public static func generate(keyID: String) -> CodeSigningKey {
        CodeSigningKey(keyID: keyID, key: Curve25519.Signing.PrivateKey())
    }

    /// Restores a key from the base64url text ``privateKeyText`` wrote.
    public init(keyID: String, privateKeyText: String) throws(TrustError) {
        guard let raw = Base64URL.decode(privateKeyText),
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        else {
            throw TrustError("private key for \(keyID) is not a base64url Ed25519 key of 32 bytes")
        }
        self.init(keyID: keyID, key: key)
    }

    private init(keyID: String, key: Curve25519.Signing.PrivateKey) {
        self.keyID = keyID
        self.key = key
    }

    public var privateKeyText: String { Base64URL.encode(self.key.rawRepresentation) }
    public var publicKeyText: String { Base64URL.encode(self.key.publicKey.rawRepresentation) }

    /// Signs a canonical code identity (``ParsedCode/id``).
    public func sign(id: String) -> CodeSignature {
        // Ed25519 signing cannot fail for a valid key; swift-crypto declares throws for other key types.
        let signature: [UInt8] = (try? self.key.signature(for: Array(id.utf8))).map { Array($0) } ?? []
        return CodeSignature(keyID: self.keyID, signature: Base64URL.encode(signature))
    }
}
