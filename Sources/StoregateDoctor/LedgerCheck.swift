import StoregateCore
import StoregateDaemon
import StoregateLedger

/// Check 2: the ledger exists, opens (read-only, never migrated) with the durability it promises
/// (`synchronous=FULL` read back through the writer, WAL: ``Ledger`` refuses to open otherwise), has the current
/// schema (an older one is a warning: `storegate run` migrates it) and a store id that matches the
/// config; its journal length and chain head; with `--deep`, SQLite's `quick_check` and the journal's hash chain.
struct LedgerCheck: DoctorCheck {
    let name = "ledger"
    /// SQLite's `synchronous` level FULL.
    static let synchronousFull = 2

    func run(_ context: DoctorContext) throws -> DoctorFinding {
        let path = context.configuration.databasePath
        let ledger: Ledger
        let schema: LedgerSchemaState
        switch context.ledger {
        case .missing:
            return .fail(self.name, "no ledger at \(path)", fix: context.ledgerInitCommand)
        case .unusable(let reason):
            return .fail(
                self.name, "\(path) cannot be opened as a ledger: \(reason)",
                fix: "keep the file (it holds the store's redemptions): `systemctl stop storegate`, copy it aside, restore "
                    + "the latest backup; `storegate ledger check \(context.dbArgument)` says what is damaged")
        case .olderSchema(let schema):
            return .warn(
                self.name, "\(path): schema \(schema.applied.last ?? "none"), older than this storegate's "
                    + "\(schema.known.last ?? "?") (pending: \(schema.pending.joined(separator: ", "))); left as it is",
                details: ["the doctor opens the ledger read-only; the other ledger checks need the current schema"],
                fix: "`storegate run` (or `systemctl start storegate`) migrates it at start")
        case .opened(let opened, let found):
            ledger = opened
            schema = found
        }
        var details: [String] = []
        var failures: [(String, String)] = []
        let synchronous = try ledger.synchronousLevel()
        if synchronous == Self.synchronousFull {
            details.append("durability: synchronous=FULL read back through the writer, WAL journal")
        } else {
            failures.append(("synchronous=\(synchronous) instead of FULL on the writer: accepted operations could be lost on power loss",
                             "do not run storegate on this build; report it with this output"))
        }
        if !schema.unknown.isEmpty {
            failures.append(("written by a newer storegate (migrations \(schema.unknown.joined(separator: ", ")) unknown to this one)",
                             "run the storegate version that wrote it"))
        }
        let current = schema.known.last ?? "?"
        details.append("schema \(current), current")
        let storeID = try ledger.policy().storeID
        if storeID.isEmpty {
            failures.append(("no store id: the ledger was never initialised", context.ledgerInitCommand))
        } else if let configured = context.configuration.storeID, configured != storeID {
            failures.append(("gateway.store_id \(configured) does not match the ledger's store \(storeID)",
                             "set gateway.store_id = \"\(storeID)\" (or remove it), "
                                + "or point gateway.db at store \(configured)'s ledger"))
        }
        let summary = try ledger.outboxSummary()
        let head = try ledger.journal(fromSeq: summary.headSeq, limit: 1).first
        let chainHead = head.map { "chain head \(ReportCapture.hex($0.hash.prefix(8)))…" } ?? "empty journal"
        details.append("journal: \(summary.headSeq) events, \(chainHead)")
        if context.deep {
            let report = try ledger.check(quick: true)
            if report.isOK {
                details.append("quick_check ok; hash chain and outbox verified over \(report.eventsChecked) events")
            } else {
                let problems = (report.integrity == ["ok"] ? [] : report.integrity) + report.problems
                failures.append(("damaged: \(problems.prefix(3).joined(separator: "; "))",
                                 "`storegate ledger check \(context.dbArgument)` lists every problem; "
                                    + "keep the file and restore the latest backup"))
                details += problems
            }
        } else {
            details.append("quick_check and hash chain not verified: they read the whole file (run with --deep)")
        }
        let identity = "store \(storeID.isEmpty ? "(none)" : storeID), schema \(current), \(summary.headSeq) events, \(chainHead)"
        guard failures.isEmpty else {
            return .fail(self.name, "\(path): " + failures.map(\.0).joined(separator: "; "), details: details,
                         fix: failures.map(\.1).joined(separator: "; "))
        }
        return .ok(self.name, "\(path): \(identity), synchronous=FULL, WAL", details: details)
    }
}
