/// The last state-changing operation on a code: what `void` undoes, and the "when, where" of `already_*` answers.
public struct LastChange: Sendable, Equatable, Codable {
    public var operation: Operation
    /// The state before the operation; `void` restores it.
    public var previousState: CodeState
    public var lane: String
    public var `operator`: String
    public var time: Timestamp
    /// The journal sequence number of the event that made the change (0 until the ledger writes it).
    public var seq: Int64

    public init(operation: Operation, previousState: CodeState, lane: String, operator: String, time: Timestamp, seq: Int64) {
        self.operation = operation
        self.previousState = previousState
        self.lane = lane
        self.operator = `operator`
        self.time = time
        self.seq = seq
    }
}
