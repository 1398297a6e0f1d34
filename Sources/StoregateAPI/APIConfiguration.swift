public import StoregateCore
import StoregateFoundation
import StoregateGateway
import StoregateLedger

/// What the POS API needs to know beyond the gateway itself.
public struct APIConfiguration: Sendable, Equatable {
    /// `api.auth`: how a request proves which till it comes from.
    public enum Auth: String, Sendable, Equatable {
        /// `Authorization: Bearer <token>` on every request; the till, its operator and scopes come from the token.
        case tokens
        /// `"none"`: no authentication, the body names the lane. Loopback only, for a box whose only local user is the POS.
        /// (Not spelt `none`, which `auth == .none` would read as nil on an optional.)
        case unauthenticated = "none"
    }

    public var address: APIAddress
    /// The role of each lane that has a scanner (`[[scanner]]`); a lane asking over the API acts in that role.
    public var laneRoles: [String: LaneRole]
    /// The role of a lane no scanner is configured for (`api.default_role`).
    public var defaultRole: LaneRole
    public var auth: Auth
    /// Event streams open at once beyond this many are refused with 503 (`api.max_event_streams`).
    public var maxEventStreams = 16
    /// Request bodies above this many bytes are refused with 413.
    public var bodyLimit = 16 * 1024
    /// A basket of the largest size (200 lines, each with a scan) fits with room to spare.
    public var basketBodyLimit = 256 * 1024
    /// How often an idle event stream gets a `: keep-alive` comment.
    public var keepAlive = Duration.seconds(15)
    /// HTTPS with these files (`api.tls_cert_file`, `api.tls_key_file`); needed to listen beyond loopback.
    public var tls: APITLSFiles?
    /// The names and addresses tills reach the API by, beyond loopback and the listen host (`api.host_names`): a
    /// request naming another Host is refused (DNS rebinding).
    public var hostNames: [String] = []
    /// Connections open at once beyond this many get 503 and are closed (`api.max_connections`).
    public var maxConnections = 64
    /// A connection that sends nothing for this long between requests, or stalls inside one, is closed
    /// (`api.idle_timeout_seconds`). An event stream being answered is not idle.
    public var idleTimeout = Duration.seconds(30)

    public init(address: APIAddress, laneRoles: [String: LaneRole] = [:], defaultRole: LaneRole = .checkout, auth: Auth = .tokens) {
        self.address = address
        self.laneRoles = laneRoles
        self.defaultRole = defaultRole
        self.auth = auth
    }

    /// Why the API must not listen as configured (the config key and the problem), nil when it may.
    /// Beyond loopback a bearer token crosses the shop's network, so it must be inside TLS; and a request without a
    /// token is only tolerable from this machine's own processes.
    public var listenProblem: (key: String, problem: String)? {
        if self.address.isLoopback { return nil }
        if self.auth == .unauthenticated {
            return ("api.auth", "\"none\" is allowed only when api.listen is a loopback address (127.0.0.1, ::1, localhost), not \(self.address)")
        }
        if self.tls == nil {
            return ("api.listen", "\(self.address) is not a loopback address: set api.tls_cert_file and api.tls_key_file "
                + "so that the tills' tokens cross the network inside TLS, or listen on 127.0.0.1, ::1 or localhost")
        }
        return nil
    }

    func role(ofLane lane: String) -> LaneRole {
        self.laneRoles[lane] ?? self.defaultRole
    }

    /// Who asks, in which role. With tokens the lane is the token's till and the operator the token's: a body that
    /// names another lane or operator is refused rather than ignored, so a till configured for another lane finds
    /// out at its first request. With `auth = "none"` the body names them.
    func asker(lane: String?, operatorName: String?, till: TillIdentity?) throws(APIError) -> OperationDesk.Asker {
        guard let till else {
            guard let lane else { throw .missingField("lane") }
            return self.asker(lane: lane, operatorName: operatorName ?? "lane-\(lane)")
        }
        if let lane, lane != till.till { throw .tokenMismatch("lane", "\(lane) is not this token's till \(till.till)") }
        if let operatorName, operatorName != till.operatorName {
            throw .tokenMismatch("operator", "\(operatorName) is not this token's operator \(till.operatorName)")
        }
        return self.asker(lane: till.till, operatorName: till.operatorName)
    }

    private func asker(lane: String, operatorName: String) -> OperationDesk.Asker {
        OperationDesk.Asker(lane: lane, role: self.role(ofLane: lane), operatorName: operatorName, time: .now, origin: .api)
    }
}
