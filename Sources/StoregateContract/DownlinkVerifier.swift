import Crypto
import Foundation
public import StoregateTrust

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

    /// `keys`: key id → base64url raw Ed25519 public key; an unreadable one is an error (as for code keys).
    public init(keys: [String: String]) throws(TrustError) {
        var parsed: [String: Curve25519.Signing.PublicKey] = [:]
        for (keyID, text) in keys {
            parsed[keyID] = try Ed25519Keys.publicKey(text, keyID: keyID)
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
        guard let payload = Base64URL.decode(envelope.payload), let signature = Base64URL.decode(envelope.sig) else {
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
