import Foundation
public import Logging
import ServiceLifecycle
import StoregateAPI
import StoregateContract
import StoregateCore
import StoregateFoundation
import StoregateGateway
import StoregateLedger
public import StoregateLink
import StoregateMQTTClient
import Synchronization
import UnixSignals

/// Why the daemon would not start (bad ledger, store id mismatch, broker options).
public struct DaemonError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { self.message }
}

/// `storegate run`: wires the services into one `ServiceGroup` in dependency order and runs it until SIGTERM or
/// SIGINT (or, with `exitWhenDrained`, until the sources ended and HQ acknowledged everything).
public enum Daemon {
    public static let version = "0.1.0"

    /// With `latency`, the time from each scan entering the pipeline to its event's PUBACK is recorded there.
    public static func run(_ config: DaemonConfiguration, exitWhenDrained: Bool, logger: Logger,
                           latency: ScanLatencyRecorder? = nil,
                           answers: @escaping @Sendable (String) -> Void) async throws {
        let ledger: Ledger
        do {
            ledger = try Ledger(path: config.databasePath)
        } catch {
            throw DaemonError(message: "gateway.db: \(error)")
        }
        let policy = try ledger.policy()
        guard !policy.storeID.isEmpty else {
            throw DaemonError(message: "the ledger \(config.databasePath) has no store id: run `storegate ledger init --db \(config.databasePath) --store-id ID --region REGION`")
        }
        if let storeID = config.storeID, storeID != policy.storeID {
            throw DaemonError(message: "gateway.store_id: \(storeID) does not match the ledger's store \(policy.storeID)")
        }
        guard TopicScheme.isValidLevel(policy.storeID) else {
            throw DaemonError(message: "store id \(policy.storeID) cannot be an MQTT topic level (no / + #)")
        }
        // The config's keys only bootstrap a ledger that never had a downlink key: after that HQ's signed `keys`
        // messages own the table, and a key HQ retired must not come back because the file still names it.
        if try !ledger.bootstrapDownlinkKeys(config.downlinkKeys, at: .now) {
            let trusted = try ledger.downlinkKeys()
            let ignored = config.downlinkKeys.filter { trusted[$0.key] != $0.value }.keys.sorted()
            if !ignored.isEmpty {
                logger.notice("""
                    downlink.keys \(ignored.joined(separator: ", ")) not trusted: the config only bootstraps a ledger \
                    without downlink keys; HQ rotates them with signed keys messages (docs/mqtt.md)
                    """)
            }
        }
        guard let broker = config.broker else { throw DaemonError(message: "mqtt.url: \(config.brokerURL) is not a broker URL") }
        let gatewayID = try ledger.gatewayID()
        Self.renewDownlinkEpochIfRolledBack(ledger, statusFile: config.resolvedStatusFile, logger: logger)
        let disk = DiskGuard(ledger: ledger, configuration: config.disk) { logger.warning("\($0)") }
        disk.maintain()
        let topics = TopicScheme(storeID: policy.storeID, gatewayID: gatewayID)
        let counters = GatewayCounters()

        var linkConfiguration = HQLinkConfiguration(topics: topics, brokerDescription: broker.description, version: Self.version)
        linkConfiguration.window = config.window
        linkConfiguration.heartbeatIntervalMilliseconds = config.heartbeatSeconds * 1000
        linkConfiguration.shedTelemetryAbove = config.shedTelemetryAbove
        linkConfiguration.interleaveAfter = config.interleaveAfter
        linkConfiguration.statusFile = config.resolvedStatusFile
        linkConfiguration.exitWhenDrained = exitWhenDrained
        let statusBuilder = GatewayStatusBuilder(ledger: ledger, configuration: linkConfiguration, disk: disk)
        let client = try MQTTClient(options: config.connectionOptions(
            to: broker, clientID: config.clientID ?? "storegate-\(gatewayID)",
            sessionExpirySeconds: UInt32(config.sessionExpirySeconds),
            will: { statusBuilder.lastWill() }))

        let downlink = config.downlinkEnabled
            ? DownlinkProcessor(ledger: ledger, storeID: policy.storeID, logger: logger,
                                scratchDirectory: (config.databasePath as NSString).deletingLastPathComponent, disk: disk,
                                maximumAgeMilliseconds: Int64(config.downlinkMaxAgeHours) * 3_600_000)
            : nil
        let pipelineBox = PipelineBox()
        let sourcesFinished: @Sendable () -> Bool = { pipelineBox.pipeline?.sourcesFinished ?? true }
        let summaries = SalesSummaryService(
            summarizer: SalesSummarizer(ledger: ledger, disk: disk, periodMinutes: config.salesSummaryMinutes), logger: logger,
            sourcesFinished: exitWhenDrained ? sourcesFinished : nil)
        let link = HQLink(
            ledger: ledger, client: client, configuration: linkConfiguration, counters: counters, logger: logger,
            downlink: downlink, scanners: { pipelineBox.pipeline?.scannerStatus ?? [] },
            sourcesFinished: { sourcesFinished() && summaries.isFinished }, disk: disk, latency: latency)
        let desk = OperationDesk(ledger: ledger, disk: disk, link: link, counters: counters, decisions: DecisionStream(), latency: latency)
        let pipeline = ScanPipeline(desk: desk, scanners: config.scanners, operations: config.operations, logger: logger, answers: answers)
        pipelineBox.pipeline = pipeline
        let api = config.api.map { POSAPI(configuration: $0, desk: desk, scanners: { pipeline.scannerStatus }, logger: logger) }
        // Stuck means longer than a ping interval (15 s under the unit's WatchdogSec=30), and never under 2 s, which
        // a busy 2-core box can take for a burst of fsyncs.
        let liveness = Liveness(limit: max(SystemdService.interval, .seconds(2)), ledger: ledger, client: client,
                                pipeline: { pipeline.oldestScanInHand })
        let systemd = SystemdService(liveness: liveness, logger: logger) {
            "store \(policy.storeID), scans \(counters.value(.scans)), delivered \(counters.value(.delivered))"
        }

        if let warning = config.plainTextPasswordWarning { logger.warning("\(warning)") }
        logger.info("storegate \(Self.version) starting", metadata: [
            "store": "\(policy.storeID)", "gateway": "\(gatewayID)", "broker": "\(broker.description)",
            "scanners": "\(config.scanners.map(\.source).joined(separator: ","))",
            "api": "\(config.api?.address.description ?? "disabled")",
        ])
        // Shutdown runs in reverse: systemd hears STOPPING, the API answers what it has in hand and ends its event
        // streams, the pipeline finishes its scan, the last sales summary is written, then the link flushes, says
        // offline and disconnects.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: link, successTerminationBehavior: .gracefullyShutdownGroup),
            .init(service: summaries),
            .init(service: pipeline),
        ]
        if let api { services.append(.init(service: api)) }
        services += [.init(service: DiskWatch(disk: disk)), .init(service: systemd)]
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
        try? ledger.close()
    }
}

/// Lets the link ask the pipeline (built after it, since the pipeline's desk wakes the link) for scanner states.
final class PipelineBox: Sendable {
    private let current = Mutex<ScanPipeline?>(nil)

    var pipeline: ScanPipeline? {
        get { self.current.withLock { $0 } }
        set { self.current.withLock { $0 = newValue } }
    }
}
