public import Crypto

/// Ed25519 keys as the project writes them: base64url of the raw 32-byte key. Code signatures, downlink envelopes
/// and key messages all read keys here, so a bad key text is refused the same way everywhere.
public enum Ed25519Keys {
    /// The public key `text` spells, or why not.
    public static func publicKey(_ text: String, keyID: String) throws(TrustError) -> Curve25519.Signing.PublicKey {
        guard let raw = Base64URL.decode(text), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else {
            throw TrustError("public key \(keyID) is not a base64url Ed25519 key of 32 bytes")
        }
        return key
    }

    /// The private key `text` spells, or why not.
    public static func privateKey(_ text: String, keyID: String) throws(TrustError) -> Curve25519.Signing.PrivateKey {
        guard let raw = Base64URL.decode(text), let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
            throw TrustError("private key for \(keyID) is not a base64url Ed25519 key of 32 bytes")
        }
        return key
    }
}

/// An Ed25519 private key with its key id: what HQ signs codes and downlink messages with.
public struct SigningKey: Sendable {
    public let keyID: String
    /// Raw private key bytes (swift-crypto's key type is not Sendable).
    private let rawKey: [UInt8]

    public static func generate(keyID: String) -> SigningKey {
        SigningKey(keyID: keyID, rawKey: [UInt8](Curve25519.Signing.PrivateKey().rawRepresentation))
    }

    /// Restores a key from the base64url text ``privateKeyText`` wrote.
    public init(keyID: String, privateKeyText: String) throws(TrustError) {
        let key = try Ed25519Keys.privateKey(privateKeyText, keyID: keyID)
        self.init(keyID: keyID, rawKey: [UInt8](key.rawRepresentation))
    }

    private init(keyID: String, rawKey: [UInt8]) {
        self.keyID = keyID
        self.rawKey = rawKey
    }

    private var key: Curve25519.Signing.PrivateKey {
        // The bytes came from a valid key, so this cannot fail.
        try! Curve25519.Signing.PrivateKey(rawRepresentation: self.rawKey)
    }

    public var privateKeyText: String { Base64URL.encode(self.rawKey) }
    public var publicKeyText: String { Base64URL.encode(self.key.publicKey.rawRepresentation) }

    /// The 64-byte Ed25519 signature of `bytes`.
    public func signature(for bytes: [UInt8]) -> [UInt8] {
        // Ed25519 signing cannot fail for a valid key; swift-crypto declares throws for other key types.
        (try? self.key.signature(for: bytes)).map { Array($0) } ?? []
    }
}
