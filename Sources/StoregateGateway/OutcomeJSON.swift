public import StoregateCore
import StoregateFoundation
public import StoregateLedger

/// The outcome object of an operation, as `storegate verify|…|void --json` prints it and the POS API answers it
/// (documented in docs/api.md). Keys in sorted order, absent values left out, built without `JSONEncoder` (it
/// would dominate a redemption's CPU time).
public enum OutcomeJSON {
    public static func line(_ outcome: OperationOutcome) -> String {
        Self.line(operation: outcome.operation, decision: outcome.decision, codeID: outcome.codeID, recorded: outcome)
    }

    /// What ``OperationDesk/perform(_:on:by:idempotencyKey:entered:)`` answered for `code`, recorded or not.
    public static func line(_ answer: GuardedOutcome, operation: Operation, code: ParsedCode) -> String {
        switch answer {
        case .recorded(let outcome): Self.line(outcome)
        case .notJournaled(let decision): Self.line(notJournaled: decision, operation: operation, codeID: code.valid ? code.id : nil)
        }
    }

    /// A verify answered while disk space is low: decided, not journaled, so it has no `seq` or `event_id`.
    public static func line(notJournaled decision: Decision, operation: Operation, codeID: String?) -> String {
        Self.line(operation: operation, decision: decision, codeID: codeID, recorded: nil)
    }

    private static func line(operation: Operation, decision: Decision, codeID: String?, recorded: OperationOutcome?) -> String {
        let details = decision.details
        var writer = JSONObjectWriter()
        writer.add("accepted", decision.result.isAccepted)
        writer.add("earlier_lane", details.earlier?.lane)
        writer.add("earlier_operator", details.earlier?.operator)
        writer.add("earlier_time_ms", details.earlier?.time.milliseconds)
        writer.add("event_id", recorded?.eventID)
        writer.add("id", codeID)
        writer.add("operation", operation.rawValue)
        writer.add("previous_state", details.state?.rawValue)
        writer.add("provisional", decision.provisional)
        writer.add("reason", decision.reason)
        writer.add("replayed", recorded?.replayed ?? false)
        writer.add("result", decision.result.rawValue)
        writer.add("seq", recorded?.seq)
        writer.add("state", decision.newState?.rawValue ?? details.state?.rawValue)
        writer.add("unpacked", Int64(recorded?.unpackedUnits ?? 0))
        return writer.finished()
    }
}
