public import StoregateCore
import StoregateFoundation
public import StoregateLedger

/// One decision the gateway made, as the POS event stream (`GET /v1/events`) carries it.
public struct DecisionEvent: Sendable, Equatable {
    /// Where the operation came from.
    public enum Origin: String, Sendable {
        case scanner
        case api
        /// An operation command (`storegate redeem …`) or `bench redeem`.
        case cli
    }

    /// Journal sequence number; nil for a verify answered without a journal event (disk space low).
    public var seq: Int64?
    public var eventID: String?
    public var time: Timestamp
    public var lane: String
    public var role: LaneRole
    public var operatorName: String
    public var operation: JournalOperation
    public var codeID: String?
    public var result: ResultCode
    public var reason: String
    /// nil for a decision read back from the journal (which does not record where an operation came from).
    public var origin: Origin?

    public init(seq: Int64?, eventID: String?, time: Timestamp, lane: String, role: LaneRole, operatorName: String,
                operation: JournalOperation, codeID: String?, result: ResultCode, reason: String, origin: Origin?) {
        self.seq = seq
        self.eventID = eventID
        self.time = time
        self.lane = lane
        self.role = role
        self.operatorName = operatorName
        self.operation = operation
        self.codeID = codeID
        self.result = result
        self.reason = reason
        self.origin = origin
    }

    /// A decision as the journal recorded it (replaying the stream after a client's `Last-Event-ID`).
    public init(_ event: JournalEvent) {
        self.init(seq: event.seq, eventID: event.eventID, time: event.time, lane: event.lane, role: event.role,
                  operatorName: event.operator, operation: event.operation, codeID: event.codeID, result: event.result,
                  reason: event.reason, origin: nil)
    }

    /// One JSON object, keys sorted (docs/api.md).
    public var json: String {
        var writer = JSONObjectWriter()
        writer.add("accepted", self.result.isAccepted)
        writer.add("event_id", self.eventID)
        writer.add("id", self.codeID)
        writer.add("lane", self.lane)
        writer.add("operation", self.operation.rawValue)
        writer.add("operator", self.operatorName)
        writer.add("origin", self.origin?.rawValue)
        writer.add("reason", self.reason)
        writer.add("result", self.result.rawValue)
        writer.add("role", self.role.rawValue)
        writer.add("seq", self.seq)
        writer.add("time_ms", self.time.milliseconds)
        return writer.finished()
    }
}
