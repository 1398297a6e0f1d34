import Foundation
import StoregateCore
import StoregateLedger

/// Prints an operation's outcome: one line for people, or one JSON object for machines.
enum OutcomePrinter {
    struct JSONOutcome: Encodable {
        var operation: String
        var result: String
        var accepted: Bool
        var reason: String
        var id: String?
        var seq: Int64
        var event_id: String
        var provisional: Bool
        var state: String?
        var previous_state: String?
        var earlier_lane: String?
        var earlier_operator: String?
        var earlier_time_ms: Int64?
        var unpacked: Int
        var replayed: Bool
    }

    static func print(_ outcome: OperationOutcome, json: Bool) throws {
        let details = outcome.decision.details
        if json {
            try printJSON(JSONOutcome(
                operation: outcome.operation.rawValue, result: outcome.result.rawValue, accepted: outcome.result.isAccepted,
                reason: outcome.reason, id: outcome.codeID, seq: outcome.seq, event_id: outcome.eventID,
                provisional: outcome.provisional, state: outcome.decision.newState?.rawValue ?? details.state?.rawValue,
                previous_state: details.state?.rawValue, earlier_lane: details.earlier?.lane,
                earlier_operator: details.earlier?.operator, earlier_time_ms: details.earlier?.time.milliseconds,
                unpacked: outcome.unpackedUnits, replayed: outcome.replayed))
        } else {
            let verdict = outcome.result.isAccepted ? "ACCEPTED" : "REJECTED \(outcome.result.rawValue)"
            let replay = outcome.replayed ? " (repeat of an earlier request)" : ""
            let line = "\(verdict): \(outcome.reason) [\(outcome.operation.rawValue) \(outcome.codeID ?? "-"), event \(outcome.seq)\(replay)]\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
    }
}
