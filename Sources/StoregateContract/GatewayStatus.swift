public import StoregateFoundation

/// One scanner as the status reports it.
public struct ScannerStatus: Sendable, Equatable, Codable {
    public var source: String
    public var lane: String
    public var role: String
    /// `running`, `finished` (a replay reached its end) or `failed`.
    public var state: String
    public var detail: String?

    /// `SOURCE lane L (ROLE): STATE — DETAIL`, as `storegate status` and `storegate doctor` print it.
    public var summary: String {
        "\(self.source) lane \(self.lane) (\(self.role)): \(self.state)" + (self.detail.map { " — \($0)" } ?? "")
    }

    public init(source: String, lane: String, role: String, state: String, detail: String? = nil) {
        self.source = source
        self.lane = lane
        self.role = role
        self.state = state
        self.detail = detail
    }
}

/// Where one downlink stream stands in the ledger.
public struct DownlinkStreamPosition: Sendable, Equatable, Codable {
    /// `kind:target`, e.g. `revocations:*`.
    public var stream: String
    /// The seq applied last.
    public var seq: Int64

    public init(stream: String, seq: Int64) {
        self.stream = stream
        self.seq = seq
    }
}

/// The retained status message (JSON keys in snake_case through ``HQJSON``) (schema `docs/schemas/status.v1.json`), and the file `storegate status` reads.
public struct GatewayStatus: Sendable, Equatable, Codable {
    public var v = 1
    /// `online` (published on connect and refreshed), `offline` (Last Will, or on a clean shutdown).
    public var state: String
    public var gatewayId: String
    public var storeId: String
    public var version: String
    public var timeMs: Int64
    public var broker: String
    /// Undelivered events in the outbox.
    public var backlog: Int
    public var oldestUndeliveredSeq: Int64?
    public var oldestUndeliveredAgeMs: Int64?
    /// Telemetry events shed to protect the disk.
    public var shed: Int
    public var lastDownlinkSyncMs: Int64?
    /// Names this ledger's run of downlink streams: a new ledger has a new one, and so has a ledger the gateway
    /// found rolled back (restored from a backup). A change tells HQ that what it sent before may be gone and old
    /// messages would apply again: send the current state (codes, revocations, policy, keys) anew.
    public var downlinkEpoch: String?
    /// Each downlink stream and the seq the ledger applied last (a list, not an object: stream names are data, and
    /// HQJSON's snake-case conversion would rewrite them as keys).
    public var downlinkStreams: [DownlinkStreamPosition]?
    /// Why the broker refuses our events (v5 PUBACK reason), when it does.
    public var uplinkRefusal: String?
    /// Why the broker refused our subscription to HQ's downlink (a SUBACK reason ≥ 0x80), when it did: HQ's
    /// revocations, policy and code batches cannot reach this store.
    public var downlinkRefusal: String?
    /// The last connection problem, if any.
    public var lastError: String?
    public var scanners: [ScannerStatus]
    public var counters: [String: Int]?
    /// Free space, the disk reserve and telemetry shed for lack of space.
    public var disk: DiskStatus?
    /// base64url raw Ed25519 public key of this gateway's own key: what its heartbeats' signed heads verify under.
    public var gatewayKey: String?
    /// When the broker connection this status belongs to was opened (the gateway's clock): the same in the online
    /// statuses of one connection and in its Last Will, which is built at the connect and so carries that time as
    /// its `time_ms`. HQ orders a gateway's statuses by connection, then offline after online (a connection's
    /// offline status is its last word), then time — by `time_ms` alone a Last Will is older than the online
    /// statuses it follows. Absent when the status belongs to no connection (the status file before a connect).
    public var connectionMs: Int64?

    public init(state: String, gatewayId: String, storeId: String, version: String, timeMs: Int64, broker: String,
                backlog: Int, oldestUndeliveredSeq: Int64?, oldestUndeliveredAgeMs: Int64?, shed: Int,
                lastDownlinkSyncMs: Int64?, uplinkRefusal: String?, lastError: String?, scanners: [ScannerStatus],
                counters: [String: Int]?, disk: DiskStatus? = nil, downlinkRefusal: String? = nil,
                downlinkEpoch: String? = nil, downlinkStreams: [DownlinkStreamPosition]? = nil, gatewayKey: String? = nil,
                connectionMs: Int64? = nil) {
        self.state = state
        self.gatewayId = gatewayId
        self.storeId = storeId
        self.version = version
        self.timeMs = timeMs
        self.broker = broker
        self.backlog = backlog
        self.oldestUndeliveredSeq = oldestUndeliveredSeq
        self.oldestUndeliveredAgeMs = oldestUndeliveredAgeMs
        self.shed = shed
        self.lastDownlinkSyncMs = lastDownlinkSyncMs
        self.uplinkRefusal = uplinkRefusal
        self.downlinkRefusal = downlinkRefusal
        self.lastError = lastError
        self.scanners = scanners
        self.counters = counters
        self.disk = disk
        self.downlinkEpoch = downlinkEpoch
        self.downlinkStreams = downlinkStreams
        self.connectionMs = connectionMs
        self.gatewayKey = gatewayKey
    }
}

/// The heartbeat (schema `docs/schemas/heartbeat.v1.json`): the main counters, QoS 0.
public struct GatewayHeartbeat: Sendable, Equatable, Codable {
    public var v = 1
    public var gatewayId: String
    public var storeId: String
    public var timeMs: Int64
    public var connectedSinceMs: Int64?
    public var backlog: Int
    public var counters: [String: Int]
    /// As in ``GatewayStatus/downlinkEpoch``.
    public var downlinkEpoch: String?
    /// The journal's head, signed with the gateway's key.
    public var head: SignedJournalHead?

    public init(gatewayId: String, storeId: String, timeMs: Int64, connectedSinceMs: Int64?, backlog: Int,
                counters: [String: Int], downlinkEpoch: String? = nil, head: SignedJournalHead? = nil) {
        self.gatewayId = gatewayId
        self.storeId = storeId
        self.timeMs = timeMs
        self.connectedSinceMs = connectedSinceMs
        self.backlog = backlog
        self.counters = counters
        self.downlinkEpoch = downlinkEpoch
        self.head = head
    }
}
