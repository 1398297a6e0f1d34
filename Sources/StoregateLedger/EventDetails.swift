import Foundation
import StoregateCore
import StoregateFoundation

/// The `details` object of a journal event: the decision's facts plus what the ledger did (units unpacked).
enum EventDetails {
    static func encode(_ details: DecisionDetails, unpacked: Int) -> String {
        var writer = JSONObjectWriter()
        writer.add("state", details.state?.rawValue)
        if let earlier = details.earlier {
            writer.addObject("earlier") { nested in
                nested.add("op", earlier.operation.rawValue)
                nested.add("previous_state", earlier.previousState.rawValue)
                nested.add("lane", earlier.lane)
                nested.add("operator", earlier.operator)
                nested.add("time_ms", earlier.time.milliseconds)
                nested.add("seq", earlier.seq)
            }
        }
        writer.add("revoked_reason", details.revokedReason)
        writer.add("expiry", details.expiry)
        writer.add("campaign", details.campaign)
        if !details.parseErrors.isEmpty {
            writer.addObjects("parse_errors", details.parseErrors) { nested, issue in
                nested.add("code", issue.code)
                nested.add("ai", issue.ai)
                nested.add("message", issue.message)
            }
        }
        if unpacked > 0 { writer.add("unpacked", Int64(unpacked)) }
        return writer.finished()
    }

    /// Reads back what ``encode(_:unpacked:)`` wrote (to replay an idempotent request's first answer).
    static func decode(_ text: String) -> (details: DecisionDetails, unpacked: Int) {
        guard let wire = try? JSONDecoder().decode(Wire.self, from: Data(text.utf8)) else {
            return (DecisionDetails(), 0)
        }
        let earlier = wire.earlier.flatMap { e -> LastChange? in
            guard let op = Operation(rawValue: e.op), let previous = CodeState(rawValue: e.previous_state) else { return nil }
            return LastChange(operation: op, previousState: previous, lane: e.lane, operator: e.operator,
                              time: Timestamp(milliseconds: e.time_ms), seq: e.seq)
        }
        let details = DecisionDetails(
            state: wire.state.flatMap(CodeState.init(rawValue:)),
            earlier: earlier,
            revokedReason: wire.revoked_reason,
            expiry: wire.expiry.flatMap(CivilDate.init(iso:)),
            campaign: wire.campaign,
            parseErrors: (wire.parse_errors ?? []).map { ParseIssue(code: $0.code, ai: $0.ai, message: $0.message) }
        )
        return (details, wire.unpacked ?? 0)
    }

    /// Field names as they are on the wire (snake case).
    private struct Wire: Decodable {
        struct Earlier: Decodable {
            var op: String
            var previous_state: String
            var lane: String
            var `operator`: String
            var time_ms: Int64
            var seq: Int64
        }
        struct Issue: Decodable {
            var code: String
            var ai: String?
            var message: String
        }
        var state: String?
        var earlier: Earlier?
        var revoked_reason: String?
        var expiry: String?
        var campaign: String?
        var parse_errors: [Issue]?
        var unpacked: Int?
    }
}
