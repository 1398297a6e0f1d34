import ArgumentParser

struct LedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Create, inspect and configure the ledger.",
        subcommands: [
            LedgerInitCommand.self, LedgerStatsCommand.self, LedgerShowCommand.self, LedgerJournalCommand.self,
            LedgerCheckCommand.self, LedgerPolicyCommand.self, LedgerCampaignCommand.self, LedgerKeysCommand.self,
        ])
}
