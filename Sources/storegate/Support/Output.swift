import ArgumentParser
import Foundation
import StoregateContract
import StoregateDaemon

/// `--json`: machine output instead of human text.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON for machines instead of text for people.")
    var json = false
}

/// `--db PATH`: the ledger file every command that touches the ledger takes.
struct LedgerOptions: ParsableArguments {
    @Option(name: .long, help: "Path of the ledger (SQLite) file.")
    var db: String = DaemonConfiguration.defaultDatabasePath
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Writes one JSON value on one line, coded as everything storegate publishes (``HQJSON``: keys sorted so output
/// is stable for scripts and golden tests, snake_case).
func printJSON(_ value: some Encodable) throws {
    FileHandle.standardOutput.write(Data(try HQJSON.encode(value) + Array("\n".utf8)))
}
