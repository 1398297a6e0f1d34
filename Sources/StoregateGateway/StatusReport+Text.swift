import StoregateContract
import StoregateFoundation

extension StatusReport {
    /// `storegate status` for people: one labelled line per fact. `statusFile` is named when the daemon's status
    /// is unknown.
    public func lines(statusFile: String) -> [String] {
        var lines = ["gateway   \(self.gatewayID)"]
        if let daemon = self.daemon {
            let age = (self.timeMs - daemon.timeMs) / 1000
            lines.append("broker    \(daemon.broker): \(daemon.state) (as of \(age) s ago)"
                + (daemon.lastError.map { "; last error: \($0)" } ?? ""))
            if let refusal = daemon.uplinkRefusal { lines.append("REFUSED   \(refusal)") }
            if let refusal = daemon.downlinkRefusal { lines.append("REFUSED   \(refusal)") }
            if let disk = daemon.disk { lines.append("disk      \(disk.summary)") }
            lines += daemon.scanners.map { "scanner   \($0.summary)" }
        } else {
            lines.append("broker    unknown: no status file at \(statusFile) (is `storegate run` running?)")
        }
        lines.append("backlog   \(self.backlog) undelivered of \(self.journalLength) events"
            + (self.shed > 0 ? ", \(self.shed) telemetry events shed" : ""))
        if let seq = self.oldestUndeliveredSeq, let age = self.oldestUndeliveredAgeMs {
            lines.append("oldest    event \(seq), \(age / 1000) s old")
        }
        lines.append("last sync " + (self.lastDownlinkSyncMs.map { "\((self.timeMs - $0) / 1000) s ago" }
            ?? "never (no signed downlink message applied yet)"))
        return lines
    }
}
