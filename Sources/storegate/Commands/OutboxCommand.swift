import ArgumentParser
import Foundation
import StoregateCore
import StoregateLedger

/// `storegate outbox list|show|requeue`.
struct OutboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "What is (not yet) delivered to HQ.",
        subcommands: [OutboxListCommand.self, OutboxShowCommand.self, OutboxRequeueCommand.self])
}

struct OutboxListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Outbox rows from a seq on.")
    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "First seq.") var from: Int64 = 1
    @Option(help: "At most this many rows.") var limit = 50
    @Flag(help: "Only events still to send.") var pending = false

    func run() throws {
        let ledger = try Ledger(path: self.ledger.db)
        for entry in try ledger.outboxEntries(fromSeq: self.from, limit: self.limit, undeliveredOnly: self.pending) {
            let state = entry.delivered.map { "delivered \($0.milliseconds)" } ?? (entry.shed != nil ? "shed" : "pending")
            if self.output.json {
                let object: [String: Any] = ["seq": entry.seq, "op": entry.operation, "state": state.split(separator: " ").first.map(String.init) ?? state,
                                             "created_ms": entry.created.milliseconds]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                FileHandle.standardOutput.write(data + Data("\n".utf8))
            } else {
                print("\(entry.seq)\t\(entry.operation)\t\(state)")
            }
        }
    }
}

struct OutboxShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "One outbox row and its exact payload.")
    @OptionGroup var ledger: LedgerOptions
    @Argument(help: "The event's seq.") var seq: Int64

    func run() throws {
        guard let entry = try Ledger(path: self.ledger.db).outboxEntry(seq: self.seq) else {
            printError("no outbox row \(self.seq)")
            throw ExitCode(1)
        }
        print("seq \(entry.seq) op \(entry.operation) created \(entry.created.milliseconds) "
            + (entry.delivered.map { "delivered \($0.milliseconds)" } ?? (entry.shed != nil ? "shed" : "pending")))
        print(entry.payload)
    }
}

struct OutboxRequeueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "requeue", abstract: "Send events again (HQ dedups by event id), e.g. after HQ lost data.")
    @OptionGroup var ledger: LedgerOptions
    @Option(help: "First seq.") var from: Int64
    @Option(help: "Last seq (default: same as --from).") var to: Int64?

    func validate() throws {
        guard self.from >= 1, (self.to ?? self.from) >= self.from else { throw ValidationError("need 1 <= --from <= --to") }
    }

    func run() throws {
        let count = try Ledger(path: self.ledger.db).requeueOutbox(seqs: self.from...(self.to ?? self.from))
        print("requeued \(count) event(s); a running daemon sends them within about 5 s, once nothing is in flight")
    }
}
