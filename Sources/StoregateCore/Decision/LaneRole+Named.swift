/// A name that is not a role, as every place that reads one (`--role`, the config, a scan source spec) says it.
public struct UnknownLaneRole: Error, Sendable, Equatable, CustomStringConvertible {
    public var name: String

    public init(name: String) {
        self.name = name
    }

    public var description: String { "\(self.name) is not a role; use one of \(LaneRole.names)" }
}

extension LaneRole {
    /// Every role, as messages and help texts list them: `receiving, checkout, redemption, service, sale`.
    public static let names = LaneRole.allCases.map(\.rawValue).joined(separator: ", ")

    /// The role called `name`.
    public init(named name: String) throws(UnknownLaneRole) {
        guard let role = LaneRole(rawValue: name) else { throw UnknownLaneRole(name: name) }
        self = role
    }
}
