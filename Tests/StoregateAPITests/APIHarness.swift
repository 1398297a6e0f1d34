import Foundation
import Logging
import ServiceLifecycle
import StoregateAPI
import StoregateCore
import StoregateFoundation
import StoregateGateway
import StoregateLedger
import StoregateLink
import StoregateTesting

/// The POS API on a free loopback port over a real temporary ledger, run as the daemon runs it (a `Service` in a
/// `ServiceGroup`, stopped by graceful shutdown), with the same ``OperationDesk`` a scanner's scans go through.
struct APIHarness {
    static let codes = (1...5).map { "01/09506000134352/21/API\($0)" }

    let fixture: LedgerFixture
    let desk: OperationDesk
    let api: POSAPI
    let group: ServiceGroup
    let running: Task<Void, any Error>
    let port: Int

    /// `auth`: without tokens unless the test is about them (the body names the lane).
    static func start(laneRoles: [String: LaneRole] = [:], bufferLimit: Int = 256, keepAlive: Duration = .seconds(15),
                      auth: APIConfiguration.Auth = .unauthenticated, maxEventStreams: Int = 16,
                      configure: (inout APIConfiguration) -> Void = { _ in }) async throws -> APIHarness {
        let fixture = try LedgerFixture()
        try fixture.register(ids: Self.codes)
        let logger = Logger(label: "api-test")
        let disk = DiskGuard(ledger: fixture.ledger, configuration: DiskGuardConfiguration())
        let desk = OperationDesk(ledger: fixture.ledger, disk: disk, link: nil, counters: GatewayCounters(),
                                 decisions: DecisionStream(bufferLimit: bufferLimit))
        var configuration = APIConfiguration(address: APIAddress(host: "127.0.0.1", port: 0), laneRoles: laneRoles, auth: auth)
        configuration.keepAlive = keepAlive
        configuration.maxEventStreams = maxEventStreams
        configure(&configuration)
        let api = POSAPI(configuration: configuration, desk: desk, logger: logger)
        let group = ServiceGroup(services: [api], logger: logger)
        let running = Task { try await group.run() }
        try await waitUntil("the API listening", seconds: 20) { api.listeningPort != nil }
        return APIHarness(fixture: fixture, desk: desk, api: api, group: group, running: running, port: api.listeningPort ?? 0)
    }

    func stop() async throws {
        await self.group.triggerGracefulShutdown()
        try await self.running.value
        self.fixture.remove()
    }

    func post(_ operation: String, _ json: String, headers: [String: String] = [:]) async throws -> HTTPReply {
        try await HTTPTestClient.post(port: self.port, "/v1/\(operation)", json: json, headers: headers)
    }

    func get(_ path: String, headers: [String: String] = [:]) async throws -> HTTPReply {
        try await HTTPTestClient.request(port: self.port, "GET", path, headers: headers)
    }

    /// A token for `till` issued through the ledger, as `storegate api token add` does.
    func token(till: String, operatorName: String? = nil, scopes: Set<APIScope>) throws -> String {
        try self.fixture.ledger.addAPIToken(till: till, operatorName: operatorName, scopes: scopes, at: .now).text
    }

    var journalLength: Int64 {
        get throws { try self.fixture.ledger.stats().journalLength }
    }
}

extension APIHarness {
    /// Runs `body` against a started API and stops it afterwards, also when `body` throws.
    static func with(laneRoles: [String: LaneRole] = [:], bufferLimit: Int = 256, keepAlive: Duration = .seconds(15),
                     auth: APIConfiguration.Auth = .unauthenticated, maxEventStreams: Int = 16,
                     configure: (inout APIConfiguration) -> Void = { _ in },
                     _ body: (APIHarness) async throws -> Void) async throws {
        let api = try await Self.start(laneRoles: laneRoles, bufferLimit: bufferLimit, keepAlive: keepAlive, auth: auth,
                                       maxEventStreams: maxEventStreams, configure: configure)
        do {
            try await body(api)
        } catch {
            try? await api.stop()
            throw error
        }
        try await api.stop()
    }
}
