public import Foundation
public import StoregateContract
import StoregateCore
import StoregateFoundation
public import StoregateLedger

/// The status object of `storegate status --json` and `GET /v1/status`: the ledger's backlog and sync state, and
/// under `daemon` the link's last status (connection, scanners, counters, disk).
public enum StatusJSON {
    /// `daemon`: the running daemon's status (the link's, or the status file the CLI reads); nil when unknown.
    public static func data(ledger: Ledger, daemon: GatewayStatus?) throws -> Data {
        let summary = try ledger.outboxSummary()
        let now = Timestamp.now.milliseconds
        var object: [String: Any] = [
            "backlog": summary.undelivered, "shed": summary.shed, "journal_length": summary.headSeq,
            "gateway_id": try ledger.gatewayID(),
        ]
        object["oldest_undelivered_seq"] = summary.oldestUndeliveredSeq
        object["oldest_undelivered_age_ms"] = summary.oldestUndeliveredMilliseconds.map { now - $0 }
        object["last_downlink_sync_ms"] = try ledger.lastDownlinkSync()?.milliseconds
        if let daemon, let bytes = try? HQJSON.encode(daemon) { object["daemon"] = try JSONSerialization.jsonObject(with: Data(bytes)) }
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    }
}
