import Crypto
import Foundation

/// Checks a downlink envelope against HQ's downlink keys: pure, no ledger, so every way a message can be bad
/// is tested without a broker.
public struct DownlinkVerifier {
    /// Largest accepted message (a code batch of ~10k codes); bigger ones are rejected before parsing.
    public static let maximumBytes = 8 << 20

    public struct Failure: Error, Sendable, Equatable {
        public var problem: DownlinkReport.Problem
        public var reason: String
        public var keyID: String?
    }

    private let keys: [String: Curve25519.Signing.PublicKey]

    /// `keys`: key id → base64url raw Ed25519 public key. Unreadable keys are skipped (and so verify nothing).
    public init(keys: [String: String]) {
        var parsed: [String: Curve25519.Signing.PublicKey] = [:]
        for (keyID, text) in keys {
            if let raw = DownlinkBase64URL.decode(text), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) {
                parsed[keyID] = key
            }
        }
        self.keys = parsed
    }

    /// The verified message and the raw payload bytes, or why not. `address` is what the topic says.
    public func verify(_ bytes: [UInt8], address: DownlinkAddress) -> Result<(DownlinkMessage, [UInt8]), Failure> {
        guard bytes.count <= Self.maximumBytes else {
            return .failure(Failure(problem: .malformed, reason: "message of \(bytes.count) bytes is over the \(Self.maximumBytes)-byte limit"))
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else {
            return .failure(Failure(problem: .malformed, reason: "not a JSON object"))
        }
        guard object["sig"] != nil, object["key_id"] != nil else {
            return .failure(Failure(problem: .unsigned, reason: "no signature: an envelope needs key_id and sig"))
        }
        guard let envelope = try? HQJSON.decode(DownlinkEnvelope.self, from: bytes) else {
            return .failure(Failure(problem: .malformed, reason: "envelope fields v, key_id, payload, sig must be a number and strings"))
        }
        guard envelope.v == 1 else {
            return .failure(Failure(problem: .unsupported, reason: "envelope version \(envelope.v) is not supported (1)", keyID: envelope.keyId))
        }
        guard let key = self.keys[envelope.keyId] else {
            return .failure(Failure(problem: .unknownKey, reason: "key \(envelope.keyId) is not a trusted HQ downlink key", keyID: envelope.keyId))
        }
        guard let payload = DownlinkBase64URL.decode(envelope.payload), let signature = DownlinkBase64URL.decode(envelope.sig) else {
            return .failure(Failure(problem: .malformed, reason: "payload or sig is not base64url", keyID: envelope.keyId))
        }
        guard key.isValidSignature(signature, for: DownlinkEnvelope.signedBytes(payload: payload)) else {
            return .failure(Failure(problem: .badSignature, reason: "signature does not verify under key \(envelope.keyId)", keyID: envelope.keyId))
        }
        // Only now, with the bytes proven to be HQ's, is the content parsed.
        let message: DownlinkMessage
        do {
            message = try HQJSON.decode(DownlinkMessage.self, from: payload)
        } catch {
            return .failure(Failure(problem: .invalidContent, reason: "signed payload is not a valid message: \(error)", keyID: envelope.keyId))
        }
        guard message.v == 1 else {
            return .failure(Failure(problem: .unsupported, reason: "message version \(message.v) is not supported (1)", keyID: envelope.keyId))
        }
        guard message.kind == address.kind, message.target == address.target else {
            return .failure(Failure(
                problem: .wrongTopic,
                reason: "message for \(message.kind) of \(message.target) arrived on the topic for \(address.kind) of \(address.target)",
                keyID: envelope.keyId))
        }
        return .success((message, payload))
    }
}

/// HQ's side: signs downlink messages (used by `storegate hq sign`/`hq publish`, the demo and the tests).
public struct DownlinkSigner: Sendable {
    public let keyID: String
    /// Raw private key bytes (swift-crypto's key type is not Sendable).
    private let rawKey: [UInt8]
    private var key: Curve25519.Signing.PrivateKey {
        // The bytes came from a valid key, so this cannot fail.
        try! Curve25519.Signing.PrivateKey(rawRepresentation: self.rawKey)
    }

    public static func generate(keyID: String) -> DownlinkSigner {
        DownlinkSigner(keyID: keyID, key: Curve25519.Signing.PrivateKey())
    }

    /// `privateKey`: base64url raw 32-byte Ed25519 private key.
    public init?(keyID: String, privateKey: String) {
        guard let raw = DownlinkBase64URL.decode(privateKey), let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        else { return nil }
        self.init(keyID: keyID, key: key)
    }

    private init(keyID: String, key: Curve25519.Signing.PrivateKey) {
        self.keyID = keyID
        self.rawKey = [UInt8](key.rawRepresentation)
    }

    public var privateKeyText: String { DownlinkBase64URL.encode(self.key.rawRepresentation) }
    public var publicKeyText: String { DownlinkBase64URL.encode(self.key.publicKey.rawRepresentation) }

    /// The envelope bytes to publish for `message`.
    public func envelope(for message: DownlinkMessage) throws -> [UInt8] {
        try self.envelope(payload: HQJSON.encode(message))
    }

    public func envelope(payload: [UInt8]) throws -> [UInt8] {
        let signature = try self.key.signature(for: DownlinkEnvelope.signedBytes(payload: payload))
        return try HQJSON.encode(DownlinkEnvelope(
            keyId: self.keyID, payload: DownlinkBase64URL.encode(payload), sig: DownlinkBase64URL.encode(signature)))
    }
}
