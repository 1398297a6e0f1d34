import Foundation
import StoregateCore
import StoregateLedger

/// Prints an operation's outcome: one line for people, or one JSON object for machines.
enum OutcomePrinter {
    static func print(_ outcome: OperationOutcome, json: Bool) {
        let line = json ? Self.jsonLine(outcome) : Self.humanLine(outcome)
        // One write(2) per result, so a reader sees whole lines and each is out before the next scan is read.
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Keys in sorted order, like `printJSON`, built without `JSONEncoder` (it would dominate a redemption's CPU time).
    static func jsonLine(_ outcome: OperationOutcome) -> String {
        let details = outcome.decision.details
        var writer = JSONObjectWriter()
        writer.add("accepted", outcome.result.isAccepted)
        writer.add("earlier_lane", details.earlier?.lane)
        writer.add("earlier_operator", details.earlier?.operator)
        writer.add("earlier_time_ms", details.earlier?.time.milliseconds)
        writer.add("event_id", outcome.eventID)
        writer.add("id", outcome.codeID)
        writer.add("operation", outcome.operation.rawValue)
        writer.add("previous_state", details.state?.rawValue)
        writer.add("provisional", outcome.provisional)
        writer.add("reason", outcome.reason)
        writer.add("replayed", outcome.replayed)
        writer.add("result", outcome.result.rawValue)
        writer.add("seq", outcome.seq)
        writer.add("state", outcome.decision.newState?.rawValue ?? details.state?.rawValue)
        writer.add("unpacked", Int64(outcome.unpackedUnits))
        return writer.finished()
    }

    static func humanLine(_ outcome: OperationOutcome) -> String {
        let verdict = outcome.result.isAccepted ? "ACCEPTED" : "REJECTED \(outcome.result.rawValue)"
        let replay = outcome.replayed ? " (repeat of an earlier request)" : ""
        return "\(verdict): \(outcome.reason) [\(outcome.operation.rawValue) \(outcome.codeID ?? "-"), event \(outcome.seq)\(replay)]"
    }
}
