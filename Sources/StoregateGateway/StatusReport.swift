public import StoregateContract
import StoregateCore
import StoregateFoundation
public import StoregateLedger

/// The gateway's status as every view shows it — `storegate status` (text and `--json`), `GET /v1/status`, the
/// doctor's backlog check and `/metrics`: the ledger's backlog and sync state, read once, and the daemon's last
/// status (the link's own, or the status file) when it is known.
public struct StatusReport: Sendable, Encodable {
    public var gatewayID: String
    public var backlog: Int
    public var shed: Int
    public var journalLength: Int64
    public var oldestUndeliveredSeq: Int64?
    public var oldestUndeliveredAgeMs: Int64?
    public var lastDownlinkSyncMs: Int64?
    /// The running daemon's last status; nil when unknown.
    public var daemon: GatewayStatus?
    /// When the report was read (every age is measured from it).
    public var timeMs: Int64

    /// Reads the ledger's part now; `daemon` is what is known of the daemon.
    public init(ledger: Ledger, daemon: GatewayStatus?, now: Int64? = nil) throws {
        let now = now ?? Timestamp.now.milliseconds
        let summary = try ledger.outboxSummary()
        self.gatewayID = try ledger.gatewayID()
        self.backlog = summary.undelivered
        self.shed = summary.shed
        self.journalLength = summary.headSeq
        self.oldestUndeliveredSeq = summary.oldestUndeliveredSeq
        self.oldestUndeliveredAgeMs = summary.oldestUndeliveredMilliseconds.map { max(0, now - $0) }
        self.lastDownlinkSyncMs = try ledger.lastDownlinkSync()?.milliseconds
        self.daemon = daemon
        self.timeMs = now
    }

    /// The JSON keys (snake_case when coded): everything but the reading time.
    private enum CodingKeys: String, CodingKey {
        case gatewayID, backlog, shed, journalLength, oldestUndeliveredSeq, oldestUndeliveredAgeMs, lastDownlinkSyncMs, daemon
    }

    /// True while the daemon's link is connected to the broker.
    public var isOnline: Bool { self.daemon?.state == "online" }

    /// The backlog in one line: `2 undelivered of 9 events; oldest: event 1, 40 s old; 3 telemetry (verify) events shed`.
    public var backlogSummary: String {
        var text = "\(self.backlog) undelivered of \(self.journalLength) events"
        if let seq = self.oldestUndeliveredSeq, let age = self.oldestUndeliveredAgeMs {
            text += "; oldest: event \(seq), \(age / 1000) s old"
        }
        if self.shed > 0 { text += "; \(self.shed) telemetry (verify) events shed" }
        return text
    }
}
