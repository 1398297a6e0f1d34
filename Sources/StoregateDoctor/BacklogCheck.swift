import StoregateDaemon
import StoregateGateway
import StoregateLedger

/// Check 6: what HQ has not acknowledged yet — how many events, how old the oldest, how much telemetry was shed.
struct BacklogCheck: DoctorCheck {
    let name = "backlog"
    /// Older than this, an undelivered event means the uplink has been stuck, not merely busy.
    static let oldestAgeWarningMilliseconds: Int64 = 3_600_000

    func run(_ context: DoctorContext) throws -> DoctorFinding {
        guard let ledger = context.ledger.ledger else { return self.skippedWithoutLedger() }
        let report = try StatusReport(ledger: ledger, daemon: nil, now: context.now)
        let summary = (undelivered: report.backlog, shed: report.shed)
        let ageMilliseconds = report.oldestUndeliveredAgeMs
        let text = report.backlogSummary
        let halfShedLimit = context.configuration.shedTelemetryAbove / 2
        var reasons: [String] = []
        if let age = ageMilliseconds, age > Self.oldestAgeWarningMilliseconds {
            reasons.append("the oldest event has waited over 1 h")
        }
        if summary.undelivered > halfShedLimit {
            reasons.append("over half of outbox.shed_telemetry_above (\(context.configuration.shedTelemetryAbove)): "
                + "verifies will be shed")
        }
        if summary.shed > 0 { reasons.append("shed verifies never reach HQ (the journal keeps them)") }
        guard reasons.isEmpty else {
            return .warn(self.name, text, details: reasons,
                         fix: "the daemon sends the backlog once the broker accepts it (see broker and daemon); "
                             + "`storegate outbox list \(context.dbArgument)` shows what waits")
        }
        return .ok(self.name, text)
    }
}
