import ArgumentParser
import Foundation
import StoregateDaemon
import StoregateDoctor

/// `storegate doctor`: what a field technician runs on a store box. Checks everything storegate depends on and says,
/// per check, OK / WARN / FAIL with the evidence and the fix. Exit 0 when nothing failed, 1 when something did.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check config, ledger, disk, broker, daemon, backlog, sync, scanners and service: OK/WARN/FAIL with the fix.",
        discussion: """
            Every check runs even when another fails. Exit 0 when no check failed, 1 when one did, 2 for a usage error. \
            The broker is reached under a client id of its own, so the daemon's session is not disturbed. --json prints \
            one array of {check, status, summary, details, fix}. See docs/doctor.md.
            """
    )

    @Option(help: "The TOML configuration the daemon uses.")
    var config = DaemonConfiguration.defaultConfigFile
    @OptionGroup var overrides: ConfigOverrides
    @Option(help: "Seconds to wait for the broker's CONNACK.")
    var timeout: Double = 5
    @Flag(help: "Also run SQLite's quick_check and verify the journal's hash chain (reads the whole ledger file).")
    var deep = false
    @Flag(help: "Print every check's details, not only those of warnings and failures.")
    var verbose = false
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard self.timeout > 0, self.timeout <= 300 else {
            throw ValidationError("--timeout \(self.timeout): give more than 0 and at most 300 seconds")
        }
    }

    func run() async throws {
        let context = DoctorContext(configPath: self.config, overrides: self.overrides.apply(to:),
                                    timeout: .milliseconds(Int64(self.timeout * 1000)), deep: self.deep)
        let findings = await DoctorChecks.run(context)
        if self.output.json {
            try printJSON(findings)
        } else {
            print(DoctorReport.text(findings, verbose: self.verbose), terminator: "")
        }
        if findings.contains(where: { $0.status == .fail }) { throw ExitCode(1) }
    }
}
