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
        if self.output.json {
            FileHandle.standardOutput.write(try StatusJSON.data(ledger: ledger, daemon: daemon) + Data("\n".utf8))
            return
        }
        let summary = try ledger.outboxSummary()
        let lastSync = try ledger.lastDownlinkSync()
        let now = Timestamp.now.milliseconds
        print("gateway   \(try ledger.gatewayID())")
        if let daemon {
            let age = (now - daemon.timeMs) / 1000
            print("broker    \(daemon.broker): \(daemon.state) (as of \(age) s ago)\(daemon.lastError.map { "; last error: \($0)" } ?? "")")
            if let refusal = daemon.uplinkRefusal { print("REFUSED   \(refusal)") }
            if let disk = daemon.disk { print("disk      \(disk.summary)") }
            for scanner in daemon.scanners {
                print("scanner   \(scanner.summary)")
            }
        } else {
            print("broker    unknown: no status file at \(file) (is `storegate run` running?)")
        }
        print("backlog   \(summary.undelivered) undelivered of \(summary.headSeq) events\(summary.shed > 0 ? ", \(summary.shed) telemetry events shed" : "")")
        if let seq = summary.oldestUndeliveredSeq, let created = summary.oldestUndeliveredMilliseconds {
            print("oldest    event \(seq), \((now - created) / 1000) s old")
        }
        print("last sync \(lastSync.map { "\((now - $0.milliseconds) / 1000) s ago" } ?? "never (no signed downlink message applied yet)")")
    }
}
