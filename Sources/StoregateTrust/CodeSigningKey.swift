public import StoregateCore

/// HQ's private key for issuing signed codes (HQ side: demos, tests, `storegate codes issue`).
public struct CodeSigningKey: Sendable {
    private let key: SigningKey

    public var keyID: String { self.key.keyID }

    public static func generate(keyID: String) -> CodeSigningKey {
        CodeSigningKey(key: .generate(keyID: keyID))
    }

    /// Restores a key from the base64url text ``privateKeyText`` wrote.
    public init(keyID: String, privateKeyText: String) throws(TrustError) {
        self.init(key: try SigningKey(keyID: keyID, privateKeyText: privateKeyText))
    }

    private init(key: SigningKey) {
        self.key = key
    }

    public var privateKeyText: String { self.key.privateKeyText }
    public var publicKeyText: String { self.key.publicKeyText }

    /// Signs a canonical code identity (``ParsedCode/id``).
    public func sign(id: String) -> CodeSignature {
        CodeSignature(keyID: self.keyID, signature: Base64URL.encode(self.key.signature(for: Array(id.utf8))))
    }
}
