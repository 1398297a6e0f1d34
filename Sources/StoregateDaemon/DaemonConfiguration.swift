public import StoregateAPI
public import StoregateConfig
public import StoregateCore
public import StoregateLedger
public import StoregateMQTTClient
public import StoregateScanners

/// One scanner as configured: a source spec, its lane, role and operator, and whether its accepted scans are typed
/// into the till (keyboard pass-through).
public struct ScannerConfiguration: Sendable, Equatable {
    /// e.g. `replay:/var/lib/storegate/morning.txt`.
    public var source: String
    public var lane: String
    public var role: LaneRole
    public var operatorName: String
    /// `pass_through = true`: accepted scans are re-typed on a virtual keyboard (docs/scanners.md); nil: not typed.
    public var passThrough: PassThroughSettings?

    public init(source: String, lane: String, role: LaneRole, operatorName: String, passThrough: PassThroughSettings? = nil) {
        self.source = source
        self.lane = lane
        self.role = role
        self.operatorName = operatorName
        self.passThrough = passThrough
    }
}

/// How a lane's accepted scans are typed into the till: what (``PassThroughFormat``: layout, GS, suffix, allowed
/// characters, length) and how fast.
public struct PassThroughSettings: Sendable, Equatable {
    public var format: PassThroughFormat
    /// The pause after each key report (a key down or up); 0 types as fast as the kernel takes them.
    public var keyDelayMilliseconds: Int

    public static let defaultKeyDelayMilliseconds = 1
    public static let keyDelayRange = 0...100

    public init(format: PassThroughFormat, keyDelayMilliseconds: Int = Self.defaultKeyDelayMilliseconds) {
        self.format = format
        self.keyDelayMilliseconds = keyDelayMilliseconds
    }
}

/// The daemon's configuration (`/etc/storegate/storegate.toml`, documented in docs/config.md). Every field has a
/// default; ``ConfigLoader`` validates and names the key in every error.
public struct DaemonConfiguration: Sendable, Equatable {
    // [gateway]
    public var databasePath = Self.defaultDatabasePath
    /// When set, must match the ledger's store id (a ledger initialised without one takes it).
    public var storeID: String?
    /// Where the last status is written for `storegate status`; default: the ledger's path + `.status.json`.
    public var statusFile: String?
    public var logLevel = "info"

    // [store]: the store's GLN for the EPCIS export (docs/epcis.md).
    public var store = StoreSettings()

    // [mqtt]
    public var brokerURL = "mqtt://127.0.0.1:1883"
    public var clientID: String?
    public var username: String?
    public var password: String?
    public var caFile: String?
    public var certificateFile: String?
    public var keyFile: String?
    public var keepAliveSeconds = 30
    public var sessionExpirySeconds = 7 * 86_400
    public var reconnectMinimumMilliseconds = 500
    public var reconnectMaximumMilliseconds = 30_000
    public var window = 100
    public var heartbeatSeconds = 60
    /// How often a `sales_summary` event is written (aligned to the store's wall clock), and at clean shutdown.
    public var salesSummaryMinutes = 15

    // [outbox]
    public var shedTelemetryAbove = 500_000
    public var interleaveAfter = 1_000

    // [disk]
    public var disk = DiskGuardConfiguration()

    // [downlink]
    public var downlinkEnabled = true
    /// key id → base64url Ed25519 public key, added to the ledger's downlink keys at start.
    public var downlinkKeys: [String: String] = [:]
    /// Downlink messages issued longer ago than this are refused (`expired`): withheld or delayed.
    public var downlinkMaxAgeHours = 168

    // [roles]: the operation a scan on a lane of each role performs.
    public var operations: [LaneRole: StoregateCore.Operation] = [
        .receiving: .receive, .checkout: .sell, .redemption: .redeem, .service: .verify, .sale: .sell,
    ]

    // [[scanner]]
    public var scanners: [ScannerConfiguration] = []

    // [api]
    /// `HOST:PORT` of the POS API; empty: no API. Off by default: it costs 5–9 MB of resident memory (docs/api.md),
    /// more than a box that has no POS to serve should pay.
    public var apiListen = ""
    /// The role of a lane that asks over the API and has no `[[scanner]]`.
    public var apiDefaultRole = LaneRole.checkout
    /// How a request proves its till: bearer tokens (`storegate api token add`), or `none` on loopback only.
    public var apiAuth = APIConfiguration.Auth.tokens
    /// Event streams open at once beyond this many are refused.
    public var apiMaxEventStreams = 16
    /// HTTPS for the API (both files or neither); required when it listens beyond loopback.
    public var apiTLS: APITLSFiles?
    /// The names and addresses the tills use to reach the API, beyond loopback and `api.listen`'s host.
    public var apiHostNames: [String] = []
    /// Connections open at once beyond this many get 503.
    public var apiMaxConnections = 64
    /// Idle connections are closed after this many seconds.
    public var apiIdleTimeoutSeconds = 30

    public init() {}

    /// The broker as parsed from ``brokerURL``.
    public var broker: BrokerAddress? { BrokerAddress(url: self.brokerURL) }

    /// Said at start and by `doctor` when the broker password would cross the network in clear text.
    public var plainTextPasswordWarning: String? {
        guard let password = self.password, !password.isEmpty, self.broker?.tls == false else { return nil }
        return "the broker password goes over plain TCP (\(self.brokerURL)): anyone on the store's network can read it; use mqtts://"
    }
    public var resolvedStatusFile: String { self.statusFile ?? Self.defaultStatusFile(ledger: self.databasePath) }

    /// The ledger every command uses unless told otherwise (`gateway.db`, `--db`).
    public static let defaultDatabasePath = "/var/lib/storegate/ledger.sqlite"
    /// The config file `run`, `doctor` and `config check` read unless told otherwise.
    public static let defaultConfigFile = "/etc/storegate/storegate.toml"

    /// Where the daemon writes its status when `gateway.status_file` is not set: beside the ledger.
    public static func defaultStatusFile(ledger: String) -> String { ledger + ".status.json" }

    /// The POS API's settings; nil when it is disabled. A lane's role is its scanner's (the first configured).
    public var api: APIConfiguration? {
        guard let address = APIAddress(self.apiListen) else { return nil }
        var roles: [String: LaneRole] = [:]
        for scanner in self.scanners where roles[scanner.lane] == nil { roles[scanner.lane] = scanner.role }
        var api = APIConfiguration(address: address, laneRoles: roles, defaultRole: self.apiDefaultRole, auth: self.apiAuth)
        api.maxEventStreams = self.apiMaxEventStreams
        api.tls = self.apiTLS
        api.hostNames = self.apiHostNames
        api.maxConnections = self.apiMaxConnections
        api.idleTimeout = .seconds(self.apiIdleTimeoutSeconds)
        return api
    }
}
