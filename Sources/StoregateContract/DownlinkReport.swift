/// What the gateway did with one downlink message; published on `…/downlink` (schema
/// `docs/schemas/downlink-report.v1.json`) and logged.
public struct DownlinkReport: Sendable, Equatable, Codable {
    public enum Outcome: String, Sendable, Codable {
        /// Verified and applied.
        case applied
        /// The same message (same stream, seq and bytes) again: QoS 1 redelivery, nothing done.
        case duplicate
        /// Not applied: see `reason`/`problem`.
        case rejected
    }

    /// Machine codes for `problem`.
    public enum Problem: String, Sendable, Codable {
        case malformed
        case unsigned
        case unknownKey = "unknown_key"
        case badSignature = "bad_signature"
        case wrongTopic = "wrong_topic"
        case replayed
        case invalidContent = "invalid_content"
        case unsupported
        /// Signed by HQ, but issued longer ago than the store's `downlink.max_age_hours`: withheld or delayed.
        /// Nothing changed and the stream did not advance; HQ sends it again with a fresh `issued_ms`.
        case expired
    }

    public var v = 1
    public var topic: String
    public var outcome: Outcome
    public var problem: Problem?
    public var reason: String
    public var stream: String?
    public var seq: Int64?
    public var keyId: String?
    public var timeMs: Int64

    /// The time (ms) it was processed; for `applied`, the new last-sync time.
    public var time: Int64 { self.timeMs }

    public init(topic: String, outcome: Outcome, problem: Problem? = nil, reason: String, stream: String? = nil,
                seq: Int64? = nil, keyId: String? = nil, timeMs: Int64) {
        self.topic = topic
        self.outcome = outcome
        self.problem = problem
        self.reason = reason
        self.stream = stream
        self.seq = seq
        self.keyId = keyId
        self.timeMs = timeMs
    }
}
