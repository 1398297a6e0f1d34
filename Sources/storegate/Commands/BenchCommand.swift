import ArgumentParser

/// Benchmarks that print figures (build with `-c release`); `scripts/bench.sh` runs them beside reference tools.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure parsing and ledger speed (use a release build).",
        subcommands: [BenchParseCommand.self, BenchRedeemCommand.self, BenchBasketCommand.self, BenchDecodeCommand.self]
    )
}
