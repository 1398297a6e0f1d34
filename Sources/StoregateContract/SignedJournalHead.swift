public import StoregateTrust
import Crypto

/// The journal's head as the gateway signs it in every heartbeat (docs/mqtt.md, "Signed heads"): HQ learns how far
/// the store's chain reaches, and how far the gateway holds it delivered, even when no event follows.
///
/// - A gap at the end of a stream (the last events, acknowledged by the broker but lost before HQ stored them)
///   shows without waiting for a later event: `delivered_through_seq` above HQ's watermark is missing.
/// - The chain is anchored: HQ compares `hash` with the hash of the event it stored at `seq`, so a history that was
///   replaced on the way (or on the broker) cannot end where the gateway's does.
///
/// Signed with the gateway's own Ed25519 key (made at `ledger init`, kept in the ledger; its public key in the
/// retained status, pinned by HQ at first sight). The signed text binds store, gateway and time, so a head cannot
/// be replayed for another gateway, nor an old one passed off as new.
public struct SignedJournalHead: Sendable, Equatable, Codable {
    /// The journal's last seq (0 for an empty journal).
    public var seq: Int64
    /// Lowercase hex SHA-256 of that event's canonical payload: the next event's `prev_hash`.
    public var hash: String
    /// Every event up to this seq has left the outbox (acknowledged by the broker, or shed): HQ should hold them.
    public var deliveredThroughSeq: Int64
    /// base64url Ed25519 signature of ``signedBytes(storeId:gatewayId:timeMs:)``.
    public var signature: String

    public init(seq: Int64, hash: String, deliveredThroughSeq: Int64, signature: String) {
        self.seq = seq
        self.hash = hash
        self.deliveredThroughSeq = deliveredThroughSeq
        self.signature = signature
    }

    /// Signs a head for the heartbeat of `gatewayId` at `timeMs`.
    public static func signed(seq: Int64, hash: String, deliveredThroughSeq: Int64, storeId: String, gatewayId: String,
                              timeMs: Int64, key: SigningKey) -> SignedJournalHead {
        var head = SignedJournalHead(seq: seq, hash: hash, deliveredThroughSeq: deliveredThroughSeq, signature: "")
        head.signature = Base64URL.encode(key.signature(for: head.signedBytes(storeId: storeId, gatewayId: gatewayId, timeMs: timeMs)))
        return head
    }

    /// True when the signature is `publicKey`'s (base64url raw Ed25519) over this head of `gatewayId` at `timeMs`.
    public func isSigned(by publicKey: String, storeId: String, gatewayId: String, timeMs: Int64) -> Bool {
        guard let key = try? Ed25519Keys.publicKey(publicKey, keyID: gatewayId), let signature = Base64URL.decode(self.signature) else {
            return false
        }
        return key.isValidSignature(signature, for: self.signedBytes(storeId: storeId, gatewayId: gatewayId, timeMs: timeMs))
    }

    /// One line per field, newline-separated, behind a domain tag so that no other signed text of the project
    /// (a downlink envelope, a code) can be taken for a head.
    func signedBytes(storeId: String, gatewayId: String, timeMs: Int64) -> [UInt8] {
        Array("storegate-journal-head/1\n\(storeId)\n\(gatewayId)\n\(timeMs)\n\(self.seq)\n\(self.hash)\n\(self.deliveredThroughSeq)".utf8)
    }
}
