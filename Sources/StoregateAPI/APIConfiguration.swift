public import StoregateCore

/// What the POS API needs to know beyond the gateway itself.
public struct APIConfiguration: Sendable, Equatable {
    public var address: APIAddress
    /// The role of each lane that has a scanner (`[[scanner]]`); a lane asking over the API acts in that role.
    public var laneRoles: [String: LaneRole]
    /// The role of a lane no scanner is configured for (`api.default_role`).
    public var defaultRole: LaneRole
    /// Request bodies above this many bytes are refused with 413.
    public var bodyLimit = 16 * 1024
    /// A basket of the largest size (200 lines, each with a scan) fits with room to spare.
    public var basketBodyLimit = 256 * 1024
    /// How often an idle event stream gets a `: keep-alive` comment.
    public var keepAlive = Duration.seconds(15)

    public init(address: APIAddress, laneRoles: [String: LaneRole] = [:], defaultRole: LaneRole = .checkout) {
        self.address = address
        self.laneRoles = laneRoles
        self.defaultRole = defaultRole
    }

    func role(ofLane lane: String) -> LaneRole {
        self.laneRoles[lane] ?? self.defaultRole
    }
}
