import ArgumentParser
import Foundation
import StoregateCore
import StoregateFoundation
import StoregateGateway
import StoregateLedger
import StoregateTrust

/// What every operation command takes: the scan and who is asking.
struct OperationArguments: ParsableArguments {
    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "The scan (raw, or a canonical id); {GS}, <GS> or \\x1d stand for the GS character. `-` reads one scan per line from stdin.")
    var scan: String

    @Option(help: "The lane asking (journaled; void is allowed from the same lane).")
    var lane = "cli"

    @Option(name: .customLong("operator"), help: "The operator asking (journaled; void is allowed by the same operator).")
    var operatorName = "operator"

    @Option(help: "The lane's role: receiving, checkout, redemption, service or sale.")
    var role: String = LaneRole.service.rawValue

    @Option(name: .customLong("key"), help: "Idempotency key: repeating it returns the first result and writes nothing.")
    var idempotencyKey: String?

    func validate() throws {
        do { _ = try LaneRole(named: self.role) } catch { throw ValidationError("--role \(error)") }
        if self.scan == "-" && self.idempotencyKey != nil {
            throw ValidationError("--key applies to one scan; in batch mode (-) each line is its own operation")
        }
    }
}

/// Runs one operation command: one scan (exit 0 accepted, 1 rejected) or, with `-`, one per stdin line
/// (a result line printed after each commit; exit 0 at end of input).
enum OperationRunner {
    static func run(_ operation: StoregateCore.Operation, _ arguments: OperationArguments) throws {
        let ledger = try Ledger(path: arguments.ledger.db)
        // The same path as the daemon's: cached signature check, the disk guard (no reserve held by a one-shot
        // command), the ledger.
        let desk = OperationDesk(ledger: ledger, disk: DiskGuard(ledger: ledger, configuration: DiskGuardConfiguration()))
        let parser = CodeParser()
        let role = LaneRole(rawValue: arguments.role) ?? .service
        func applyOne(_ text: String, key: String?) throws -> Bool {
            let code = ScanText.parse(text, parser: parser)
            let asker = OperationDesk.Asker(lane: arguments.lane, role: role, operatorName: arguments.operatorName,
                                            time: .now, origin: .cli)
            let answer = try desk.perform(operation, on: code, by: asker, idempotencyKey: key)
            OutcomePrinter.print(answer, operation: operation, code: code, json: arguments.output.json)
            return answer.decision.result.isAccepted
        }
        if arguments.scan == "-" {
            while let line = readLine(strippingNewline: true) {
                let text = line.hasSuffix("\r") ? String(line.dropLast()) : line
                if text.isEmpty { continue }
                _ = try applyOne(text, key: nil)
            }
            return
        }
        if try !applyOne(arguments.scan, key: arguments.idempotencyKey) { throw ExitCode(1) }
    }
}

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Is this code genuine and usable here? Read only (journaled).")
    @OptionGroup var arguments: OperationArguments
    func run() throws { try OperationRunner.run(.verify, self.arguments) }
}

struct ReceiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receive", abstract: "Record goods arriving; a case code receives its units too.")
    @OptionGroup var arguments: OperationArguments
    func run() throws { try OperationRunner.run(.receive, self.arguments) }
}

struct SellCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sell", abstract: "Record a sale of a unit (or count a product sale).")
    @OptionGroup var arguments: OperationArguments
    func run() throws { try OperationRunner.run(.sell, self.arguments) }
}

struct RedeemCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "redeem", abstract: "Redeem a prize code: once, ever, at this store.")
    @OptionGroup var arguments: OperationArguments
    func run() throws { try OperationRunner.run(.redeem, self.arguments) }
}

struct VoidCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "void", abstract: "Undo the last operation on a code (within the undo window, same lane or operator).")
    @OptionGroup var arguments: OperationArguments
    func run() throws { try OperationRunner.run(.void, self.arguments) }
}
