import Foundation

/// The signed wrapper of every downlink message (schema `docs/schemas/downlink-envelope.v1.json`):
///
/// ```json
/// {"v":1,"key_id":"hq-dl-2026","payload":"<base64url of the message JSON>","sig":"<base64url Ed25519>"}
/// ```
///
/// The signature covers `"storegate-downlink/v1"`, a 0x00 byte, then the payload bytes exactly as decoded: no
/// JSON canonicalisation is needed, and the domain prefix keeps a downlink signature from ever being valid as
/// anything else (a code signature, say).
public struct DownlinkEnvelope: Sendable, Equatable, Codable {
    public static let signingDomain = Array("storegate-downlink/v1".utf8) + [0]

    public var v: Int
    public var keyId: String
    public var payload: String
    public var sig: String

    public init(v: Int = 1, keyId: String, payload: String, sig: String) {
        self.v = v
        self.keyId = keyId
        self.payload = payload
        self.sig = sig
    }

    /// The bytes the signature covers.
    public static func signedBytes(payload: [UInt8]) -> [UInt8] {
        Self.signingDomain + payload
    }
}

/// The message inside the envelope (schema `docs/schemas/downlink-message.v1.json`).
public struct DownlinkMessage: Sendable, Equatable, Codable {
    public var v: Int
    /// `codes`, `revocations`, `policy`, `keys`, `commands` or `sync`; must equal the topic's last level.
    public var kind: String
    /// The store id it is for, or `"*"` for all stores; must match the topic (`hq/store/<id>/…` or `hq/all/…`).
    public var target: String
    /// Per stream (`kind` + `target`) strictly increasing; the gateway applies each sequence number once.
    public var seq: Int64
    public var issuedMs: Int64
    public var body: DownlinkBody

    public init(v: Int = 1, kind: String, target: String, seq: Int64, issuedMs: Int64, body: DownlinkBody) {
        self.v = v
        self.kind = kind
        self.target = target
        self.seq = seq
        self.issuedMs = issuedMs
        self.body = body
    }

    /// The idempotency stream this message belongs to.
    public var stream: String { "\(self.kind):\(self.target)" }
}

/// The kind-specific part. Absent fields are left as they are (a policy message changes only what it names).
public struct DownlinkBody: Sendable, Equatable, Codable {
    public struct Code: Sendable, Equatable, Codable {
        public var code: String
        public var product: String?
        public var lot: String?
        public var expiry: String?
        public var parent: String?
        public var campaign: String?
        public var regions: [String]?

        public init(code: String, product: String? = nil, lot: String? = nil, expiry: String? = nil,
                    parent: String? = nil, campaign: String? = nil, regions: [String]? = nil) {
            self.code = code
            self.product = product
            self.lot = lot
            self.expiry = expiry
            self.parent = parent
            self.campaign = campaign
            self.regions = regions
        }
    }

    public struct Revocation: Sendable, Equatable, Codable {
        public var code: String
        public var reason: String
        public init(code: String, reason: String) {
            self.code = code
            self.reason = reason
        }
    }

    public struct Campaign: Sendable, Equatable, Codable {
        public var name: String
        public var startsMs: Int64
        public var endsMs: Int64
        public var soldHereFirst: Bool?
        public init(name: String, startsMs: Int64, endsMs: Int64, soldHereFirst: Bool? = nil) {
            self.name = name
            self.startsMs = startsMs
            self.endsMs = endsMs
            self.soldHereFirst = soldHereFirst
        }
    }

    public struct Key: Sendable, Equatable, Codable {
        public var keyId: String
        /// base64url raw Ed25519 public key.
        public var publicKey: String
        public init(keyId: String, publicKey: String) {
            self.keyId = keyId
            self.publicKey = publicKey
        }
    }

    public struct KeyChanges: Sendable, Equatable, Codable {
        public var add: [Key]?
        public var retire: [String]?
        public init(add: [Key]? = nil, retire: [String]? = nil) {
            self.add = add
            self.retire = retire
        }
    }

    // codes
    public var codes: [Code]?
    // revocations
    public var revocations: [Revocation]?
    // policy
    public var region: String?
    public var allowProvisional: Bool?
    public var undoWindowMs: Int64?
    public var undoSameLaneOrOperatorOnly: Bool?
    /// How long the store may go without a valid downlink message before refusing redemptions (0: no limit).
    public var maxTimeWithoutSyncMs: Int64?
    /// How long after a sale its goods may be returned.
    public var returnWindowMs: Int64?
    public var campaigns: [Campaign]?
    // keys
    public var codeKeys: KeyChanges?
    public var downlinkKeys: KeyChanges?
    // commands
    public var command: String?
    public var fromSeq: Int64?
    public var toSeq: Int64?

    public init() {}
}
