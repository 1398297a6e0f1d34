import StoregateCore
import StoregateFoundation
import Synchronization
public import StoregateContract

/// How the HQ link behaves; every field has a default that suits a store.
public struct HQLinkConfiguration: Sendable {
    public var topics: TopicScheme
    /// Shown in status (e.g. `mqtts://hq.example.com:8883`).
    public var brokerDescription: String
    /// storegate's version, in status.
    public var version: String
    /// Messages handed to libmosquitto before their PUBACK (it keeps them in RAM and slows with many).
    public var window = 100
    /// Outbox rows read ahead per query (a batch of 500 holds ~0.25 MB of payloads; 2,000 cost 1 MB of RSS and
    /// no measurable speed).
    public var readAhead = 500
    /// Delivery marks are committed when this many are waiting...
    public var markBatch = 500
    /// ...or when the oldest has waited this long.
    public var markIntervalMilliseconds = 50
    /// A backlog bigger than this at (re)connect makes live events alternate with it (see ``UplinkWindow``).
    public var interleaveAfter = 1_000
    /// After the broker refuses an event (v5 PUBACK ≥ 0x80), wait this long before trying again.
    public var refusedRetryMilliseconds = 30_000
    public var heartbeatIntervalMilliseconds = 60_000
    /// Verify events beyond this many undelivered are shed (never redemptions, sales, receipts or voids).
    public var shedTelemetryAbove = 500_000
    /// Where the last status is written for `storegate status` (nil: not written).
    public var statusFile: String?
    /// On shutdown, how long to wait for PUBACKs of what is in flight.
    public var shutdownFlushMilliseconds = 2_000
    /// Stop once the outbox is empty and `sourcesFinished()` says so (`--exit-when-drained`).
    public var exitWhenDrained = false
    /// The current broker connection's stamp, shared by every copy of this configuration: the Last Will (built by
    /// the MQTT client at each connect) sets it, and the uplink's statuses carry it (``GatewayStatus/connectionMs``).
    public let connection = ConnectionStamp()

    public init(topics: TopicScheme, brokerDescription: String, version: String) {
        self.topics = topics
        self.brokerDescription = brokerDescription
        self.version = version
    }
}

/// When the current broker connection was opened (milliseconds since the epoch), nil before the first.
public final class ConnectionStamp: Sendable {
    private let milliseconds = Atomic<Int64>(0)

    public init() {}

    /// A new connection is being opened now: its stamp.
    func open() -> Int64 {
        let now = Timestamp.now.milliseconds
        self.milliseconds.store(now, ordering: .releasing)
        return now
    }

    var current: Int64? {
        let value = self.milliseconds.load(ordering: .acquiring)
        return value == 0 ? nil : value
    }
}
