import Foundation
public import Logging
public import ServiceLifecycle
public import UnixSignals
import StoregateContract
import StoregateMQTTClient

/// One storegate-hq instance: the database pool, the broker connection, ingest and the periodic jobs, wired as a
/// `ServiceGroup` in dependency order. The executable and the tests build it the same way.
public struct HQApplication: Sendable {
    public let configuration: HQConfiguration
    public let database: HQDatabase
    public let ingest: IngestService
    public let jobs: HQJobs
    public let statistics: IngestStatistics
    private let client: MQTTClient

    public init(configuration: HQConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.database = HQDatabase(configuration: configuration.database, logger: logger)
        self.client = try MQTTClient(options: configuration.mqtt.connectionOptions())
        let signer = try Self.signer(configuration)
        let downlink = signer.map { DownlinkOutbox(signer: $0) }
        let partitions = EventPartitions(database: self.database)
        let publisher = DownlinkPublisher(client: self.client, database: self.database, logger: logger)
        let store = EventStore(database: self.database, partitions: partitions, downlink: downlink,
                               revokeDoubleRedemptions: configuration.revokeDoubleRedemptions)
        self.statistics = IngestStatistics()
        self.ingest = IngestService(configuration: configuration, database: self.database, store: store, client: self.client,
                                    publisher: publisher, downlink: downlink, statistics: self.statistics, logger: logger)
        self.jobs = HQJobs(configuration: configuration, database: self.database, partitions: partitions, publisher: publisher,
                           downlink: downlink, logger: logger)
    }

    /// The downlink signing key named by the configuration, if any.
    static func signer(_ configuration: HQConfiguration) throws(HQError) -> DownlinkSigner? {
        guard let keyID = configuration.downlinkKeyID, let file = configuration.downlinkKeyFile else { return nil }
        guard let text = try? String(contentsOfFile: file, encoding: .utf8),
              let signer = try? DownlinkSigner(keyID: keyID, privateKey: text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw HQError("downlink.key_file: \(file) is not a private key file from `storegate hq keygen`")
        }
        return signer
    }

    /// The instance's services in dependency order (shut down in reverse: `readers` such as the console, jobs,
    /// ingest — which commits the batch in hand —, then the pool). `signals` start a graceful shutdown.
    public func serviceGroup(logger: Logger, signals: [UnixSignal] = [.sigterm, .sigint],
                             readers: [any Service] = []) -> ServiceGroup {
        ServiceGroup(configuration: .init(
            services: [
                .init(service: self.database),
                .init(service: MigrationService(database: self.database, logger: logger), successTerminationBehavior: .ignore),
                .init(service: self.ingest),
                .init(service: self.jobs),
            ] + readers.map { .init(service: $0) },
            gracefulShutdownSignals: signals, cancellationSignals: [], logger: logger))
    }
}

/// Applies the migrations once the pool runs; ingest and the jobs wait for them (`HQDatabase.schemaReady()`).
struct MigrationService: Service {
    let database: HQDatabase
    let logger: Logger

    func run() async throws {
        for attempt in 1... {
            do {
                let applied = try await self.database.migrate()
                if !applied.isEmpty { self.logger.notice("migrated: \(applied.map { "\($0.version) \($0.name)" }.joined(separator: ", "))") }
                return
            } catch {
                if attempt >= 30 { throw error }
                self.logger.warning("cannot migrate yet (attempt \(attempt)): \(String(reflecting: error))")
                try await Task.sleep(for: .seconds(1))
            }
        }
    }
}
