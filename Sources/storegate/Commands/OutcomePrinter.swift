import Foundation
import StoregateCore
import StoregateGateway
import StoregateLedger

/// Prints an operation's outcome: one line for people, or one JSON object for machines.
enum OutcomePrinter {
    static func print(_ answer: GuardedOutcome, operation: StoregateCore.Operation, code: ParsedCode, json: Bool) {
        let line = json ? OutcomeJSON.line(answer, operation: operation, code: code) : Self.humanLine(answer, operation: operation, code: code)
        // One write(2) per result, so a reader sees whole lines and each is out before the next scan is read.
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func humanLine(_ answer: GuardedOutcome, operation: StoregateCore.Operation, code: ParsedCode) -> String {
        let decision = answer.decision
        let verdict = decision.result.isAccepted ? "ACCEPTED" : "REJECTED \(decision.result.rawValue)"
        switch answer {
        case .recorded(let outcome):
            let replay = outcome.replayed ? " (repeat of an earlier request)" : ""
            return "\(verdict): \(outcome.reason) [\(outcome.operation.rawValue) \(outcome.codeID ?? "-"), event \(outcome.seq)\(replay)]"
        case .notJournaled:
            let codeID = code.valid ? code.id ?? "-" : "-"
            return "\(verdict): \(decision.reason) [\(operation.rawValue) \(codeID), not journaled: disk space low]"
        }
    }
}
