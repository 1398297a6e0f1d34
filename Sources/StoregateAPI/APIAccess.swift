import Foundation
import HTTPTypes
import Logging
import Hummingbird
import StoregateLedger
import Synchronization

/// The request context of the API's routes: hummingbird's, plus the till the request's token speaks for.
struct POSRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// nil when `api.auth = "none"`.
    var till: TillIdentity?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }
}

/// The scope each route needs: the one table of them. A route missing here is refused to every token (404), so a
/// new route cannot be reached before its scope is decided.
enum RouteScope {
    static let table: [String: APIScope] = [
        "POST /v1/verify": .verify,
        "POST /v1/receive": .receive,
        "POST /v1/sell": .sell,
        "POST /v1/redeem": .redeem,
        "POST /v1/void": .void,
        "POST /v1/sales": .sell,
        "POST /v1/returns": .return,
        "GET /v1/status": .read,
        "GET /v1/codes/**": .read,
        "GET /v1/events": .read,
        "GET /metrics": .read,
    ]

    static func required(_ method: HTTPRequest.Method, _ path: String) -> APIScope? {
        let route = path.hasPrefix("/v1/codes/") ? "/v1/codes/**" : path
        return Self.table["\(method) \(route)"]
    }
}

/// In front of every route: the browser checks, then (with `api.auth = "tokens"`) the bearer token and its scope.
///
/// - Host: a web page whose DNS name the attacker re-points at 127.0.0.1 (DNS rebinding) sends its own name as
///   Host; only the API's own names are answered (loopback, the listen host, `api.host_names`).
/// - Origin: a browser names the page that sent a request; the API serves no pages, so a request from any origin
///   but its own (`http://` or `https://` + its Host) is a cross-site request (CSRF) and refused.
struct AccessGuard: RouterMiddleware {
    typealias Context = POSRequestContext
    let configuration: APIConfiguration
    let ledger: Ledger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            try self.checkBrowserHeaders(request)
            guard self.configuration.auth == .tokens else { return try await next(request, context) }
            var context = context
            context.till = try await self.till(request, logger: context.logger)
            return try await next(request, context)
        } catch let error as APIError {
            return error.response
        }
    }

    private func checkBrowserHeaders(_ request: Request) throws(APIError) {
        guard let authority = request.head.authority, self.allowedHosts.contains(Self.hostName(authority).lowercased()) else {
            throw APIError(status: .forbidden, code: "host_refused",
                           message: "Host \(request.head.authority ?? "(none)") is not this API's; use \(self.configuration.address) "
                               + "or a name in api.host_names")
        }
        let scheme = self.configuration.tls == nil ? "http" : "https"
        if let origin = request.headers[.origin], origin != "\(scheme)://\(authority)" {
            throw APIError(status: .forbidden, code: "origin_refused", message: "requests from web pages (Origin \(origin)) are refused")
        }
    }

    /// The authenticated till, checked against the route's scope.
    private func till(_ request: Request, logger: Logger) async throws(APIError) -> TillIdentity {
        guard let header = request.headers[.authorization] else {
            throw .unauthorized("send Authorization: Bearer <token> (`storegate api token add` issues one)")
        }
        let prefix = "Bearer "
        guard header.count > prefix.count, header.prefix(prefix.count).lowercased() == prefix.lowercased() else {
            throw .unauthorized("the Authorization header is not Bearer <token>")
        }
        let token = String(header.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
        let till: TillIdentity?
        do {
            till = try await self.ledger.async.run { try $0.authenticate(apiToken: token) }
        } catch {
            throw .internal("ledger_unavailable", "the ledger cannot be read", error, logger: logger)
        }
        guard let till else { throw .unauthorized("the token is not valid (unknown, revoked or malformed)") }
        guard let scope = RouteScope.required(request.method, request.uri.path) else {
            throw APIError(status: .notFound, code: "not_found", message: "\(request.method) \(request.uri.path): Not Found")
        }
        guard till.scopes.contains(scope) else {
            throw APIError(status: .forbidden, code: "scope_missing",
                           message: "\(request.method) \(request.uri.path) needs the \(scope.rawValue) scope; till \(till.till)'s token has "
                               + (till.scopes.sorted().map(\.rawValue).joined(separator: ", ")))
        }
        return till
    }

    private var allowedHosts: Set<String> {
        Set(["localhost", "127.0.0.1", "::1", self.configuration.address.host].map { $0.lowercased() }
            + self.configuration.hostNames.map { $0.lowercased() })
    }

    /// `127.0.0.1:8790` → `127.0.0.1`, `[::1]:8790` → `::1`.
    private static func hostName(_ authority: String) -> Substring {
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return authority[authority.index(after: authority.startIndex)..<close]
        }
        return authority.split(separator: ":", maxSplits: 1).first ?? ""
    }
}

/// How many event streams are open, so one more than `api.max_event_streams` is refused before it subscribes.
final class EventStreamSlots: Sendable {
    private let open = Atomic<Int>(0)
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// False when all slots are taken; a slot taken is given back with ``release()``.
    func take() -> Bool {
        if self.open.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue <= self.limit { return true }
        self.release()
        return false
    }

    func release() {
        self.open.wrappingSubtract(1, ordering: .acquiringAndReleasing)
    }
}
