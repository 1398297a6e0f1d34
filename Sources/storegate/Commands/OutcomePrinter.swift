import Foundation
import StoregateCore
import StoregateGateway
import StoregateLedger

/// Prints an operation's outcome: one line for people, or one JSON object for machines.
enum OutcomePrinter {
    static func print(_ outcome: OperationOutcome, json: Bool) {
        let line = json ? OutcomeJSON.line(outcome) : Self.humanLine(outcome)
        // One write(2) per result, so a reader sees whole lines and each is out before the next scan is read.
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func humanLine(_ outcome: OperationOutcome) -> String {
        let verdict = outcome.result.isAccepted ? "ACCEPTED" : "REJECTED \(outcome.result.rawValue)"
        let replay = outcome.replayed ? " (repeat of an earlier request)" : ""
        return "\(verdict): \(outcome.reason) [\(outcome.operation.rawValue) \(outcome.codeID ?? "-"), event \(outcome.seq)\(replay)]"
    }
}
