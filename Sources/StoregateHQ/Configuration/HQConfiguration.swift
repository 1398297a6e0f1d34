/// How storegate-hq runs (`/etc/storegate/hq.toml`, docs/hq.md); every field has a default.
public struct HQConfiguration: Sendable {
    public struct Database: Sendable {
        public var host = "127.0.0.1"
        public var port = 5432
        public var user = "storegate_hq"
        public var password: String?
        public var name = "storegate_hq"
        /// Connections in the pool (ingest uses one per batch in flight; jobs and the console the rest).
        public var poolSize = 8

        public init() {}
    }

    public struct MQTT: Sendable {
        public var url = "mqtt://127.0.0.1:1883"
        /// Must differ between instances: the broker keeps each one's persistent session.
        public var clientID = "storegate-hq-1"
        /// Instances in one shared-subscription group split the stores' messages between them.
        public var shareGroup = "storegate-hq"
        public var username: String?
        public var password: String?
        public var caFile: String?
        public var certificateFile: String?
        public var keyFile: String?
        public var sessionExpirySeconds = 7 * 86_400

        public init() {}
    }

    /// The web console (docs/hq.md "Console"); off unless `console.listen` is set.
    public struct Console: Sendable {
        /// `host:port`; port 0 takes any free port (tests).
        public var listen: String?
        /// A session ends this long after the login.
        public var sessionHours = 12
        /// `console.secure_cookies` as written: nil when unset (see ``cookiesSecure``).
        public var secureCookies: Bool?
        /// `console.origin`: the URL browsers reach the console at (`https://hq.example.cn`), when declared. A POST
        /// must come from it.
        public var origin: String?
        /// `console.trusted_proxies`: the reverse proxies in front of the console (canonical IP addresses). From
        /// them, the client is the last address of `X-Forwarded-For` that is not a proxy of this list; from anyone
        /// else the header is ignored. The login rate limit counts per client: behind a proxy it must know them.
        public var trustedProxies: [String] = []

        /// Whether the cookies are marked `Secure`: as `console.secure_cookies` says when set; otherwise yes, unless
        /// the declared origin is plain `http://`. The safe default: a console behind a TLS proxy (which it cannot
        /// see) never sends its session cookie in the clear; browsers accept Secure cookies from http://localhost
        /// and 127.0.0.1 too. Plain http from another machine must say so (`origin = "http://…"`).
        public var cookiesSecure: Bool {
            if let secureCookies { return secureCookies }
            return !(self.origin?.lowercased().hasPrefix("http://") ?? false)
        }

        public init() {}
    }

    public var database = Database()
    public var console = Console()
    public var mqtt = MQTT()
    /// The downlink signing key (from `storegate hq keygen`); without it HQ sends nothing to the stores.
    public var downlinkKeyID: String?
    public var downlinkKeyFile: String?
    /// Group commit: a batch is written when it holds this many events...
    public var batchSize = 1_000
    /// ...or its first event has waited this long (when a committer is free to take it; meanwhile it grows)...
    public var batchMilliseconds = 20
    /// ...up to this many events, while every committer is busy (a backlog).
    public var batchSizeMax = 5_000
    /// Batches committing side by side, each in its own transaction and connection, each for its own share of the
    /// stores (their order does not matter: a gateway's watermark moves over whatever is committed and contiguous).
    public var commitsInFlight = 2
    /// A gap older than this makes HQ ask its gateway to send the range again (signed `requeue`).
    public var gapRequeueAfterMilliseconds: Int64 = 30_000
    /// A requeue not answered in this time is sent again...
    public var requeueResendMilliseconds: Int64 = 60_000
    /// ...and after this many sends the gap becomes a `gap_unfilled` alert (the requeues go on).
    public var gapAlertAfterRequeues = 3
    /// A code redeemed (accepted) at two gateways is revoked at every store over the signed downlink.
    public var revokeDoubleRedemptions = true
    /// A store-targeted message of a code batch not reported by the store's gateway in this time is sent again
    /// (the same signed bytes: a gateway that has it answers `duplicate`).
    public var downlinkResendMilliseconds: Int64 = 60_000
    /// The signed `sync` beacon that keeps online stores from reaching their offline limit (0: none).
    public var syncBeaconMilliseconds: Int64 = 300_000
    /// A gateway with no status or heartbeat for this long, or whose retained status says offline, is alerted.
    public var staleGatewayMilliseconds: Int64 = 900_000
    /// A gateway whose oldest undelivered event is older than this is falling behind.
    public var backlogAgeAlertMilliseconds: Int64 = 3_600_000
    /// Counterfeit signals (bad_signature, unknown_code) per store and hour above this are alerted.
    public var counterfeitPerHourAlert = 20
    /// Broker connections of one gateway within an hour from which it is a `gateway_flapping` alert: two boxes
    /// running one gateway's identity take each other's session over (each reconnects within a second), and a
    /// failing network reconnects often too.
    public var connectionsPerHourAlert = 12
    /// How often the periodic jobs look (gaps, beacon, partitions, stale gateways).
    public var jobIntervalMilliseconds: Int64 = 1_000
    /// How often the gateways' health (offline, silent, behind, flapping) is checked...
    public var gatewayHealthCheckMilliseconds: Int64 = 10_000
    /// ...and counterfeit spikes and diversion, which read the day's rollups and events.
    public var counterfeitAndDiversionCheckMilliseconds: Int64 = 60_000
    /// Partitions made this many days ahead.
    public var partitionDaysAhead = 7
    public var logLevel = "info"

    public init() {}
}
