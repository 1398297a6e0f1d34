import Hummingbird
public import Logging
import NIOCore
import NIOPosix
public import ServiceLifecycle
public import StoregateHQ
import Synchronization

/// The HQ web console (docs/hq.md "Console") as a `Service` of a storegate-hq instance: hummingbird on
/// `console.listen`, pages rendered on the server from the rollups, CSV and JSON under `/api`, the overview live
/// over Server-Sent Events. It starts listening once the schema is migrated; on graceful shutdown the live streams
/// end and the server stops when the requests in hand are answered.
public final class ConsoleServer: Service, Sendable {
    private let address: ListenAddress
    private let routes: ConsoleRoutes
    private let logger: Logger
    private let origin: String?
    private let trustedProxies: Set<String>
    private let port = Mutex<Int?>(nil)

    /// Fails when `console.listen` is not set or a template does not parse. `liveInterval`: how often live pages
    /// refresh while the console cannot listen for new events.
    public init(configuration: HQConfiguration, database: HQDatabase, logger: Logger,
                liveInterval: Duration = .seconds(1)) throws {
        guard let listen = configuration.console.listen, let address = ListenAddress(listen) else {
            throw HQError("console.listen: set it to host:port (e.g. 127.0.0.1:8480) to run the console")
        }
        self.address = address
        self.logger = logger
        self.origin = configuration.console.origin
        self.trustedProxies = Set(configuration.console.trustedProxies)
        self.routes = ConsoleRoutes(
            database: database, users: ConsoleUsers(database: database, logger: logger),
            sessions: ConsoleSessions(database: database, lifetimeMs: Int64(configuration.console.sessionHours) * 3_600_000, logger: logger),
            throttle: LoginThrottle(database: database, limits: .init(), logger: logger),
            pages: try ConsolePages(), staleGatewayMs: configuration.staleGatewayMilliseconds,
            secureCookies: configuration.console.cookiesSecure,
            issuer: try? CodeBatchIssuer(database: database, configuration: configuration), live: LiveTicker(fallback: liveInterval), closing: ClosingFlag(), logger: logger)
    }

    /// The port it listens on once it does (the configured one, or the one the system chose for port 0).
    public var listeningPort: Int? { self.port.withLock { $0 } }

    /// How many `storegate_events_stored` notifications the console has heard (each wakes the live pages).
    public var eventNotifications: Int { self.routes.live.generation }

    public func run() async throws {
        guard try await self.routes.database.waitForSchema() else { return }
        let router = Router(context: ConsoleRequestContext.self)
        router.add(middleware: ConsoleAccess(sessions: self.routes.sessions, pages: self.routes.pages, origin: self.origin,
                                             trustedProxies: self.trustedProxies, logger: self.logger))
        self.routes.register(on: router)
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(self.address.host, port: self.address.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port
                self.port.withLock { $0 = port }
                self.logger.notice("console listening on http://\(self.address.host):\(port ?? self.address.port)/")
            },
            eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup.singleton),
            logger: self.logger)
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await self.routes.live.listen(self.routes.database, logger: self.logger) }
                defer { group.cancelAll() }
                try await app.run()
            }
        } onGracefulShutdown: {
            self.routes.closing.set()
        }
    }
}
