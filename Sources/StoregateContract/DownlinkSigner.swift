public import StoregateTrust

/// HQ's side: signs downlink messages (`storegate hq sign`/`hq publish`, storegate-hq, the demo and the tests).
public struct DownlinkSigner: Sendable {
    public let key: SigningKey

    public var keyID: String { self.key.keyID }
    public var privateKeyText: String { self.key.privateKeyText }
    public var publicKeyText: String { self.key.publicKeyText }

    public init(key: SigningKey) {
        self.key = key
    }

    public static func generate(keyID: String) -> DownlinkSigner {
        DownlinkSigner(key: .generate(keyID: keyID))
    }

    /// `privateKey`: base64url raw 32-byte Ed25519 private key.
    public init(keyID: String, privateKey: String) throws(TrustError) {
        self.init(key: try SigningKey(keyID: keyID, privateKeyText: privateKey))
    }

    /// The envelope bytes to publish for `message`.
    public func envelope(for message: DownlinkMessage) throws -> [UInt8] {
        try self.envelope(payload: HQJSON.encode(message))
    }

    public func envelope(payload: [UInt8]) throws -> [UInt8] {
        let signature = self.key.signature(for: DownlinkEnvelope.signedBytes(payload: payload))
        return try HQJSON.encode(DownlinkEnvelope(
            keyId: self.keyID, payload: Base64URL.encode(payload), sig: Base64URL.encode(signature)))
    }
}
