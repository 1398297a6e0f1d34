/// What a console user may do. Viewers read every page; operators also act (acknowledge alerts); admins are
/// operators who will manage users from the console (today with `storegate-hq users`).
public enum ConsoleRole: String, Sendable, CaseIterable, Codable, Comparable {
    case viewer
    case `operator`
    case admin

    var rank: Int {
        switch self {
        case .viewer: 0
        case .operator: 1
        case .admin: 2
        }
    }

    public static func < (lhs: ConsoleRole, rhs: ConsoleRole) -> Bool { lhs.rank < rhs.rank }

    /// Acknowledging alerts (and, later, issuing codes) needs at least an operator.
    public var canAct: Bool { self >= .operator }
}
