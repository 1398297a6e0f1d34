/// Who asks, from where, and when.
public struct DecisionContext: Sendable, Equatable {
    public var lane: String
    public var `operator`: String
    public var role: LaneRole
    public var time: Timestamp

    public init(lane: String, operator: String, role: LaneRole, time: Timestamp) {
        self.lane = lane
        self.operator = `operator`
        self.role = role
        self.time = time
    }
}
