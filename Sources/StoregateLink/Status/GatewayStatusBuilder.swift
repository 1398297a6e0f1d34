import StoregateContract
import StoregateCore
import StoregateFoundation
import StoregateTrust
public import StoregateLedger
public import StoregateMQTTClient

/// The one place a ``GatewayStatus`` is built: the retained status and heartbeat the uplink publishes, the status
/// file `storegate status` reads, and the Last Will the MQTT client registers at each connect. The ledger's
/// figures (backlog, oldest undelivered, shed) are read here; what only the uplink knows comes in ``LinkState``.
public struct GatewayStatusBuilder: Sendable {
    /// What the uplink knows that the ledger does not.
    struct LinkState {
        var lastDownlinkSyncMs: Int64?
        var uplinkRefusal: String?
        var downlinkRefusal: String?
        var lastError: String?
        var scanners: [ScannerStatus] = []
        var counters: [String: Int]?
    }

    private let ledger: Ledger
    private let topics: TopicScheme
    private let version: String
    private let brokerDescription: String
    private let disk: DiskGuard?
    /// Signs the heartbeats' journal heads; nil only if the ledger could not give one (the heads are then left out).
    private let signingKey: SigningKey?
    private let connection: ConnectionStamp

    public init(ledger: Ledger, configuration: HQLinkConfiguration, disk: DiskGuard?) {
        self.ledger = ledger
        self.topics = configuration.topics
        self.version = configuration.version
        self.brokerDescription = configuration.brokerDescription
        self.disk = disk
        self.signingKey = try? ledger.gatewaySigningKey()
        self.connection = configuration.connection
    }

    func status(state: String, _ link: LinkState, connectionMs: Int64? = nil) -> GatewayStatus {
        let summary = (try? self.ledger.outboxSummary()) ?? OutboxSummary()
        let now = Timestamp.now.milliseconds
        return GatewayStatus(
            state: state, gatewayId: self.topics.gatewayID, storeId: self.topics.storeID, version: self.version,
            timeMs: now, broker: self.brokerDescription, backlog: summary.undelivered,
            oldestUndeliveredSeq: summary.oldestUndeliveredSeq,
            oldestUndeliveredAgeMs: summary.oldestUndeliveredMilliseconds.map { max(0, now - $0) }, shed: summary.shed,
            lastDownlinkSyncMs: link.lastDownlinkSyncMs, uplinkRefusal: link.uplinkRefusal, lastError: link.lastError,
            scanners: link.scanners, counters: link.counters, disk: self.disk?.status, downlinkRefusal: link.downlinkRefusal,
            downlinkEpoch: (try? self.ledger.downlinkEpoch()).flatMap { $0.isEmpty ? nil : $0 },
            downlinkStreams: (try? self.ledger.downlinkStreams())?.sorted(by: { $0.key < $1.key })
                .map { DownlinkStreamPosition(stream: $0.key, seq: $0.value) },
            gatewayKey: self.signingKey?.publicKeyText, connectionMs: connectionMs ?? self.connection.current)
    }

    /// The online status and the heartbeat made from it, with the journal's head signed. The head is read before
    /// the outbox: an event appended in between is above the head, so it is never claimed delivered.
    func heartbeat(connectedSince: Int64?, _ link: LinkState) -> (GatewayStatus, GatewayHeartbeat) {
        let head = try? self.ledger.journalHead()
        let status = self.status(state: "online", link)
        var heartbeat = GatewayHeartbeat(
            gatewayId: status.gatewayId, storeId: status.storeId, timeMs: status.timeMs,
            connectedSinceMs: connectedSince, backlog: status.backlog, counters: status.counters ?? [:],
            downlinkEpoch: status.downlinkEpoch)
        if let head, let key = self.signingKey {
            let deliveredThrough = min(head.seq, (status.oldestUndeliveredSeq ?? head.seq + 1) - 1)
            heartbeat.head = .signed(seq: head.seq, hash: Hex.encode(head.hash), deliveredThroughSeq: deliveredThrough,
                                     storeId: status.storeId, gatewayId: status.gatewayId, timeMs: status.timeMs, key: key)
        }
        return (status, heartbeat)
    }

    /// The Last Will, built at each connect: offline, with the figures known then (the broker publishes it, retained,
    /// if the connection is lost without a DISCONNECT). It opens the connection's stamp, which the online statuses
    /// of the connection carry too.
    public func lastWill() -> MQTTWill? {
        let status = self.status(state: "offline", LinkState(
            lastDownlinkSyncMs: (try? self.ledger.lastDownlinkSync())?.milliseconds,
            lastError: "connection lost (Last Will)"), connectionMs: self.connection.open())
        return (try? HQJSON.encode(status)).map { MQTTWill(topic: self.topics.status, payload: $0, retain: true) }
    }
}
