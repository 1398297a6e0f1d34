import StoregateMQTTClient

/// Tells from what the broker does that it refuses this gateway's events, for the status's `uplink_refusal`:
/// either an explicit refusal (a v5 PUBACK with a reason code ≥ 0x80), or three connections in a row that ended with
/// events published and none acknowledged — mosquitto 2.0 drops a client right after an ACL-denied publish, and
/// the PUBACK carrying 0x87 is often lost with the connection (TCP reset). Any acknowledged event clears it.
struct RefusalDetector {
    /// Why the broker is taken to refuse our events; nil while it takes them.
    private(set) var refusal: String?
    private let eventsTopic: String
    private var publishedThisConnection = 0
    private var acknowledgedThisConnection = 0
    /// Connections in a row that ended with events published and none acknowledged.
    private var silentDrops = 0

    static let silentDropsForRefusal = 3

    init(eventsTopic: String) {
        self.eventsTopic = eventsTopic
    }

    mutating func connected() {
        self.publishedThisConnection = 0
        self.acknowledgedThisConnection = 0
    }

    mutating func published(_ count: Int) {
        self.publishedThisConnection += count
    }

    /// An event was acknowledged. Returns true when that ends a refusal (the status should say so at once).
    mutating func delivered() -> Bool {
        self.acknowledgedThisConnection += 1
        self.silentDrops = 0
        guard self.refusal != nil else { return false }
        self.refusal = nil
        return true
    }

    /// The connection ended. Returns the refusal when this drop is what made it one (to log once).
    mutating func disconnected() -> String? {
        if self.publishedThisConnection > 0 && self.acknowledgedThisConnection == 0 {
            self.silentDrops += 1
            if self.silentDrops >= Self.silentDropsForRefusal && self.refusal == nil {
                self.refusal = "the broker closed the connection \(self.silentDrops) times in a row right after we "
                    + "published to \(self.eventsTopic), acknowledging nothing: it probably refuses "
                    + "this topic (Not authorized); check the broker's ACL for this gateway"
                return self.refusal
            }
        } else if self.acknowledgedThisConnection > 0 {
            self.silentDrops = 0
        }
        return nil
    }

    /// The broker refused event `seq` with `reasonCode`. Returns the refusal, and whether it is new (to log once).
    mutating func refused(seq: Int64, reasonCode: Int32) -> (reason: String, isNew: Bool) {
        let reason = "broker refused event \(seq) on \(self.eventsTopic): "
            + "\(MQTTReasonCode.describe(reasonCode)); check the broker's ACL for this gateway"
        let isNew = self.refusal == nil
        self.refusal = reason
        return (reason, isNew)
    }
}
