public import StoregateLedger
import StoregateCore
import StoregateFoundation

/// A basket's or a return's answer as one JSON object, for the API and the CLI alike (docs/api.md).
public enum SaleOutcomeJSON {
    public static func sale(_ outcome: SaleOutcome) -> String {
        var writer = JSONObjectWriter()
        writer.add("accepted", outcome.accepted)
        writer.add("currency", outcome.currency)
        writer.add("dry_run", outcome.dryRun)
        writer.add("event_id", outcome.eventID)
        writer.addObjects("lines", outcome.lines) { nested, line in
            nested.add("accepted", line.result.isAccepted)
            nested.add("line", Int64(line.line))
            nested.add("reason", line.reason)
            nested.add("redemption_event_id", line.redemptionEventID)
            nested.add("redemption_seq", line.redemptionSeq)
            nested.add("result", line.result.rawValue)
        }
        writer.add("receipt", outcome.receipt)
        writer.add("replayed", outcome.replayed)
        writer.add("seq", outcome.seq)
        writer.add("total", outcome.total)
        return writer.finished()
    }

    public static func `return`(_ outcome: ReturnOutcome) -> String {
        var writer = JSONObjectWriter()
        writer.add("currency", outcome.currency)
        writer.add("event_id", outcome.eventID)
        writer.addObjects("lines", outcome.lines) { nested, line in
            nested.add("code", line.code)
            nested.add("gtin", line.gtin)
            nested.add("line", Int64(line.line))
            nested.add("quantity", Int64(line.quantity))
            nested.add("refund", line.refund)
        }
        writer.add("receipt", outcome.receipt)
        writer.add("refund", outcome.refund)
        writer.add("replayed", outcome.replayed)
        writer.add("return_id", outcome.returnID)
        writer.add("seq", outcome.seq)
        return writer.finished()
    }
}
