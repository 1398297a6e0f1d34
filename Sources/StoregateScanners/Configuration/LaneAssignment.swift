public import StoregateCore

/// Where a device's scans go and how its bytes are read: lane, role, keyboard layout and segmentation.
public struct LaneAssignment: Sendable, Hashable {
    public var lane: String
    public var role: LaneRole
    /// For keyboard-wedge devices: the layout the scanner was configured for.
    public var layout: KeyboardLayout
    public var segmentation: ScanSegmentation

    public init(lane: String = "default", role: LaneRole = .checkout, layout: KeyboardLayout = .us,
                segmentation: ScanSegmentation = .enter) {
        self.lane = lane
        self.role = role
        self.layout = layout
        self.segmentation = segmentation
    }
}

/// One configuration rule: devices that match go to this lane.
public struct DeviceRule: Sendable, Hashable {
    public var match: DeviceMatch
    public var assignment: LaneAssignment

    public init(match: DeviceMatch, assignment: LaneAssignment) {
        self.match = match
        self.assignment = assignment
    }
}

/// Maps devices to lanes: the first rule that matches wins; unknown devices get ``defaultAssignment``.
public struct LaneMapping: Sendable, Hashable {
    public var rules: [DeviceRule]
    public var defaultAssignment: LaneAssignment

    public init(rules: [DeviceRule] = [], defaultAssignment: LaneAssignment = LaneAssignment()) {
        self.rules = rules
        self.defaultAssignment = defaultAssignment
    }

    public func assignment(for identity: DeviceIdentity) -> LaneAssignment {
        self.rules.first { $0.match.matches(identity) }?.assignment ?? self.defaultAssignment
    }
}
