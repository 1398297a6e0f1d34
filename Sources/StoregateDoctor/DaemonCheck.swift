import Foundation
import StoregateContract
import StoregateDaemon
import StoregateFoundation

/// Check 5: the status file the daemon rewrites at every heartbeat (`gateway.status_file`, default
/// `<db>.status.json`). Fresh means `storegate run` is running; it then says how the link is and what the scanners do.
struct DaemonCheck: DoctorCheck {
    let name = "daemon"
    static let notRunningFix =
        "is `storegate run` running? `systemctl status storegate`; `journalctl -u storegate -n 50` says why it stopped"

    func run(_ context: DoctorContext) -> DoctorFinding {
        let file = context.configuration.resolvedStatusFile
        guard FileManager.default.fileExists(atPath: file) else {
            return .warn(self.name, "no status file at \(file): the daemon has not run with this ledger", fix: Self.notRunningFix)
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            return .warn(self.name, "cannot read the status file \(file)",
                         fix: "run the doctor as the service user (`sudo -u storegate storegate doctor`) or root")
        }
        let status: GatewayStatus
        do {
            status = try HQJSON.decode(GatewayStatus.self, from: Array(data))
        } catch {
            return .warn(self.name, "the status file \(file) is not a storegate status (\(data.count) bytes): \(error)",
                         fix: "the daemon rewrites it at every heartbeat: \(Self.notRunningFix)")
        }
        let ageSeconds = (context.now - status.timeMs) / 1000
        // Written at every heartbeat: two missed ones (and a little slack) mean the daemon is gone.
        let freshFor = Int64(2 * context.configuration.heartbeatSeconds + 5)
        guard ageSeconds <= freshFor else {
            return .warn(self.name, "the daemon last wrote its status \(ageSeconds) s ago (\(status.state)): it is not running",
                         details: ["status file \(file); heartbeat every \(context.configuration.heartbeatSeconds) s"],
                         fix: Self.notRunningFix)
        }
        let scanners = status.scanners.map { "scanner \($0.summary)" }
        let details = scanners + (status.disk.map { ["disk: \($0.summary)"] } ?? [])
        let running = "running (status \(ageSeconds) s old), \(status.state) to \(status.broker), backlog \(status.backlog)"
        if let refusal = status.uplinkRefusal {
            return .fail(self.name, "\(running); HQ's broker refuses the events: \(refusal)", details: details,
                         fix: "the broker's ACL must let this gateway write "
                             + TopicScheme.gatewayFilter(storeID: status.storeId, gatewayID: status.gatewayId) + " (docs/mqtt.md)")
        }
        if let refusal = status.downlinkRefusal {
            return .fail(self.name, "\(running); \(refusal)", details: details,
                         fix: "the broker's ACL must let this gateway read " + TopicScheme(storeID: status.storeId, gatewayID: status.gatewayId).storeDownlinkFilter
                             + " and " + TopicScheme.broadcastDownlinkFilter + " (docs/mqtt.md)")
        }
        if status.state != "online" {
            return .warn(self.name, running + (status.lastError.map { "; last error: \($0)" } ?? ""), details: details,
                         fix: "see the broker check; `journalctl -u storegate -n 50` shows the daemon's reconnects")
        }
        let failed = status.scanners.filter { $0.state == "failed" }
        if !failed.isEmpty {
            return .warn(self.name, "\(running); \(failed.count) scanner(s) failed: \(failed.map(\.source).joined(separator: ", "))",
                         details: details, fix: "see the scanners check; `storegate devices` lists what is connected")
        }
        return .ok(self.name, running, details: details)
    }
}
