import Foundation
import Hummingbird
import Logging
import StoregateCore
import StoregateFoundation
import StoregateHQ
import Synchronization

/// Everything the console's routes share: the database, access, rendering and the few settings they read.
struct ConsoleRoutes: Sendable {
    let database: HQDatabase
    let users: ConsoleUsers
    let sessions: ConsoleSessions
    let throttle: LoginThrottle
    let pages: ConsolePages
    let staleGatewayMs: Int64
    let secureCookies: Bool
    /// Issues code batches (nil when this instance has no downlink signing key).
    let issuer: CodeBatchIssuer?
    let live: LiveTicker
    /// Set on graceful shutdown: live streams end at their next tick so the server can stop.
    let closing: ClosingFlag
    let logger: Logger

    func register(on router: Router<ConsoleRequestContext>) {
        router.get("/static/console.css") { _, _ in ConsoleAssets.response(ConsoleAssets.css, type: "text/css; charset=utf-8") }
        router.get("/static/console.js") { _, _ in ConsoleAssets.response(ConsoleAssets.javaScript, type: "text/javascript; charset=utf-8") }
        self.registerLogin(on: router)
        self.registerOverview(on: router)
        self.registerAlerts(on: router)
        self.registerStores(on: router)
        self.registerBatches(on: router)
        self.registerSKUs(on: router)
        self.registerUsers(on: router)
        self.registerCampaigns(on: router)
        self.registerCampaignDrill(on: router)
        self.registerCodeIssuing(on: router)
        self.registerUserManagement(on: router)
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    /// The `?state=` of the alert pages: `open` (the default) or `all`.
    static func openOnly(_ request: Request) throws(ConsoleError) -> Bool {
        switch request.uri.queryParameters.get("state") ?? "open" {
        case "open": return true
        case "all": return false
        case let other: throw .badRequest("err_state", .text(other))
        }
    }

    static func storeID(_ context: ConsoleRequestContext) throws(ConsoleError) -> String {
        guard let id = context.parameters.get("id"), !id.isEmpty else { throw .badRequest("err_name_store") }
        return id
    }
}

/// Set once, on graceful shutdown; read by every live stream at each tick.
final class ClosingFlag: Sendable {
    private let value = Mutex(false)

    var isSet: Bool { self.value.withLock { $0 } }

    func set() { self.value.withLock { $0 = true } }
}
