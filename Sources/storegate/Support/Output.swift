import ArgumentParser
import Foundation

/// `--json`: machine output instead of human text.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON for machines instead of text for people.")
    var json = false
}

/// `--db PATH`: the ledger file every command that touches the ledger takes.
struct LedgerOptions: ParsableArguments {
    @Option(name: .long, help: "Path of the ledger (SQLite) file.")
    var db: String = "/var/lib/storegate/ledger.sqlite"
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Writes one JSON value on one line, keys sorted so output is stable for scripts and golden tests, and in
/// snake_case like everything else storegate prints or publishes.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    let data = try encoder.encode(value)
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}
