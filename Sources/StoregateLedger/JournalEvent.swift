import Crypto
public import StoregateCore
import StoregateFoundation

/// One event of the append-only journal, as stored.
public struct JournalEvent: Sendable, Equatable {
    /// Gap-free per-gateway sequence number, from 1.
    public var seq: Int64
    /// UUIDv7: HQ deduplicates on it.
    public var eventID: String
    /// The store and gateway that wrote it (the ledger's identity then, the two levels of its MQTT topic); nil for
    /// events written before ledger schema v8.
    public var storeID: String?
    public var gatewayID: String?
    public var operation: JournalOperation
    /// Canonical code id; nil when the scan was malformed.
    public var codeID: String?
    public var result: ResultCode
    public var reason: String
    public var lane: String
    public var `operator`: String
    public var role: LaneRole
    public var time: Timestamp
    public var provisional: Bool
    /// JSON object: state before, earlier change, revocation reason, parse errors, units unpacked.
    public var details: String
    /// The previous event's hash (32 zero bytes for the first event).
    public var prevHash: [UInt8]
    /// SHA-256 of ``canonicalPayload``.
    public var hash: [UInt8]

    /// The event's canonical bytes: a JSON object with fixed key order that embeds `prev_hash`, so hashing it
    /// chains every event to all before it. The outbox payload sent to HQ is exactly these bytes.
    public var canonicalPayload: String {
        String(decoding: self.canonicalBytes, as: UTF8.self)
    }

    /// ``canonicalPayload`` as UTF-8, written without intermediate strings (the redemption path hashes and stores it).
    var canonicalBytes: [UInt8] {
        var writer = JSONObjectWriter()
        writer.add("v", Int64(1))
        writer.add("seq", self.seq)
        writer.add("event_id", self.eventID)
        writer.add("store_id", self.storeID)
        writer.add("gateway_id", self.gatewayID)
        writer.add("op", self.operation.rawValue)
        writer.add("code", self.codeID)
        writer.add("result", self.result.rawValue)
        writer.add("reason", self.reason)
        writer.add("lane", self.lane)
        writer.add("operator", self.operator)
        writer.add("role", self.role.rawValue)
        writer.add("time_ms", self.time.milliseconds)
        writer.add("provisional", self.provisional)
        writer.addRaw("details", self.details)
        writer.addHex("prev_hash", self.prevHash)
        return writer.finishedBytes()
    }

    static func hash(of payload: [UInt8]) -> [UInt8] {
        SHA256.hash(data: payload).withUnsafeBytes { Array($0) }
    }

    /// The hash the first event chains to.
    public static let genesisHash = [UInt8](repeating: 0, count: 32)
}
