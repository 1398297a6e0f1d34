import ArgumentParser
import Foundation
import StoregateContract
import StoregateCore
import StoregateDaemon
import StoregateFoundation
import StoregateGateway
import StoregateLedger

/// `storegate status`: the ledger's outbox and sync state, and the last status the daemon wrote.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Broker connection, backlog, oldest undelivered event, scanners, last sync.")
    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var output: OutputOptions
    @Option(name: .customLong("status-file"), help: "The daemon's status file (default: the ledger's path + .status.json).")
    var statusFile: String?

    func run() throws {
        let ledger = try Ledger(path: self.ledger.db)
        let file = self.statusFile ?? DaemonConfiguration.defaultStatusFile(ledger: self.ledger.db)
        let daemon = (try? Data(contentsOf: URL(fileURLWithPath: file))).flatMap { try? HQJSON.decode(GatewayStatus.self, from: Array($0)) }
        let report = try StatusReport(ledger: ledger, daemon: daemon)
        if self.output.json {
            FileHandle.standardOutput.write(try report.json + Data("\n".utf8))
        } else {
            print(report.lines(statusFile: file).joined(separator: "\n"))
        }
    }
}
