import ArgumentParser

/// The one executable: the operator's CLI (and, later, the daemon).
struct Storegate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "storegate",
        abstract: "In-store gateway for per-item product codes: parse, verify and redeem against a local ledger.",
        version: "0.1.0",
        subcommands: [
            ParseCommand.self,
            VerifyCommand.self,
            ReceiveCommand.self,
            SellCommand.self,
            RedeemCommand.self,
            VoidCommand.self,
            SaleCommand.self,
            ReturnCommand.self,
            SalesSummaryCommand.self,
            ImportCommand.self,
            DevicesCommand.self,
            ListenCommand.self,
            DecodeCommand.self,
            CodesCommand.self,
            LedgerCommand.self,
            BenchCommand.self,
            RunCommand.self,
            StatusCommand.self,
            OutboxCommand.self,
            ConfigCommand.self,
            DoctorCommand.self,
            APICommand.self,
            HQCommand.self,
            ExportCommand.self,
        ]
    )
}

/// Runs the CLI with storegate's exit status convention: 0 accepted/valid, 1 rejected/invalid
/// (thrown as `ExitCode(1)` by the commands), 2 for usage, configuration and I/O errors.
@main
enum Main {
    static func main() async {
        do {
            var command = try Storegate.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            Storegate.exit(withError: CLIExit.normalise(error))
        }
    }
}
