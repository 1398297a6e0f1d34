/// One check of `storegate doctor`: a name (the second column of the output, `check` in JSON) and what it finds.
/// A check that throws is reported as a failure of that check alone; the others still run.
protocol DoctorCheck: Sendable {
    var name: String { get }
    func run(_ context: DoctorContext) async throws -> DoctorFinding
}

extension DoctorCheck {
    /// The finding, or a failure naming the error the check ran into.
    func finding(_ context: DoctorContext) async -> DoctorFinding {
        do {
            return try await self.run(context)
        } catch {
            return DoctorFinding(check: self.name, status: .fail, summary: "the check could not finish: \(error)")
        }
    }

    /// For the checks that read the ledger: skipped, pointing at the ledger check, when it could not be opened.
    func skippedWithoutLedger() -> DoctorFinding {
        .skip(self.name, "not checked: the ledger cannot be read as it is (see ledger)")
    }
}

/// Every check, in the order the output lists them: what the others depend on comes first.
public enum DoctorChecks {
    static let all: [any DoctorCheck] = [
        ConfigCheck(), CertificatesCheck(), LedgerCheck(), DiskCheck(), BrokerCheck(), DaemonCheck(), BacklogCheck(), SyncCheck(),
        ScannersCheck(), ServiceCheck(),
    ]

    /// The names of the checks, in output order.
    public static var names: [String] { Self.all.map(\.name) }

    /// Runs every check, or those named in `only` (each one even when another failed), and returns their findings
    /// in output order.
    public static func run(_ context: DoctorContext, only: Set<String>? = nil) async -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        for check in Self.all where only?.contains(check.name) ?? true {
            findings.append(await check.finding(context))
        }
        return findings
    }
}
