import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
public import Logging
import NIOCore
import NIOPosix
public import ServiceLifecycle
public import StoregateContract
public import StoregateGateway
import Synchronization

/// The local API for the POS (docs/api.md), as a `Service` of the daemon: operations through the same
/// ``OperationDesk`` as the scanners, status, code history, the decision event stream and Prometheus metrics.
///
/// It runs on one event-loop thread of its own (a till's traffic on localhost needs no more). On graceful shutdown
/// the event streams end and the server stops once the requests in hand are answered.
public final class POSAPI: Service, Sendable {
    private let configuration: APIConfiguration
    private let desk: OperationDesk
    private let scanners: @Sendable () -> [ScannerStatus]
    private let logger: Logger
    private let port = Mutex<Int?>(nil)

    /// `scanners`: the scanners' states now (for `/metrics`).
    public init(configuration: APIConfiguration, desk: OperationDesk, scanners: @escaping @Sendable () -> [ScannerStatus] = { [] },
                logger: Logger) {
        self.configuration = configuration
        self.desk = desk
        self.scanners = scanners
        self.logger = logger
    }

    /// The port it listens on once it does (useful when the configured port is 0).
    public var listeningPort: Int? { self.port.withLock { $0 } }

    public func run() async throws {
        let address = self.configuration.address
        if let refusal = self.configuration.listenProblem {
            // The config loader refuses this already; a configuration built otherwise must not open the API either.
            self.logger.error("POS API not started: \(refusal.key): \(refusal.problem)")
            try? await gracefulShutdown()
            return
        }
        if self.configuration.auth == .unauthenticated {
            self.logger.warning("api.auth = \"none\": every process on this machine may use the POS API as any lane")
        }
        if let file = self.configuration.tls?.certificateFile, let expiry = CertificateExpiry(pemFile: file),
           expiry.earliest.timeIntervalSinceNow < 30 * 86_400 {
            self.logger.warning("api.tls_cert_file \(file): the certificate is valid until \(expiry.earliest); the tills refuse it after that")
        }
        let router = Router(context: POSRequestContext.self)
        POSRoutes(configuration: self.configuration, desk: self.desk, metrics: GatewayMetrics(), scanners: self.scanners).register(on: router)
        SalesRoutes(configuration: self.configuration, desk: self.desk).register(on: router)
        let server: HTTPServerBuilder
        do { server = try self.serverBuilder() } catch {
            self.logger.error("POS API not started: \(error.key): \(error.problem)")
            try? await gracefulShutdown()
            return
        }
        let scheme = self.configuration.tls == nil ? "http" : "https"
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let app = Application(
            router: router,
            server: server,
            configuration: ApplicationConfiguration(address: .hostname(address.host, port: address.port)),
            onServerRunning: { channel in
                let port = channel.localAddress?.port
                self.port.withLock { $0 = port }
                self.logger.info("POS API listening on \(scheme)://\(address.host):\(port ?? address.port)")
            },
            eventLoopGroupProvider: .shared(group),
            logger: self.logger)
        do {
            try await withGracefulShutdownHandler {
                try await app.run()
            } onGracefulShutdown: {
                self.desk.decisions.finishAll(because: "the gateway is shutting down")
            }
        } catch {
            // The scanners keep working without the API: report it and stay down until the gateway stops.
            self.logger.error("POS API on \(address) stopped: \(error)")
            try? await gracefulShutdown()
        }
        try? await group.shutdownGracefully()
    }

    /// HTTP/1.1 with idle timeouts and a connection cap, inside TLS when configured.
    private func serverBuilder() throws(APITLSError) -> HTTPServerBuilder {
        let tls = try self.configuration.tls?.serverConfiguration()
        let limit = self.configuration.maxConnections
        let idleTimeout = TimeAmount.nanoseconds(Int64(self.configuration.idleTimeout.components.seconds) * 1_000_000_000)
        let openConnections = OpenConnections()
        return HTTPServerBuilder { responder in
            let http = ConnectionLimitedHTTP1Channel(
                base: HTTP1Channel(responder: responder, configuration: .init(idleTimeout: idleTimeout)),
                limit: limit, openConnections: openConnections)
            guard let tls else { return http }
            return try TLSChannel(http, tlsConfiguration: tls)
        }
    }
}
