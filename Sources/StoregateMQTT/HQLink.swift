import Foundation
public import Logging
public import ServiceLifecycle
public import StoregateLedger
import StoregateCore
import Synchronization

/// The gateway's side of the HQ link as one `Service`: it drains the outbox to the broker (QoS 1, a bounded
/// window, marks delivered on PUBACK, resends whatever is unmarked after a reconnect or restart), keeps the
/// retained status and the heartbeat, and hands downlink messages to the ``DownlinkProcessor``.
///
/// All of it runs in one loop over one input stream (broker events, "the outbox grew", timer ticks), so the
/// bookkeeping needs no locks: a PUBACK is always processed after the publish that produced its message id.
public final class HQLink: Service, Sendable {
    enum Input: Sendable {
        case mqtt(MQTTEvent)
        case outboxChanged
        case tick
        case shutdown
    }

    private let ledger: Ledger
    private let client: MQTTClient
    private let configuration: HQLinkConfiguration
    private let counters: GatewayCounters
    private let logger: Logger
    private let downlink: DownlinkProcessor?
    private let scanners: @Sendable () -> [ScannerStatus]
    private let sourcesFinished: @Sendable () -> Bool
    private let disk: @Sendable () -> DiskStatus?
    private let latency: ScanLatencyRecorder?
    private let inputs: AsyncStream<Input>
    private let continuation: AsyncStream<Input>.Continuation
    private let lastStatus = Mutex<GatewayStatus?>(nil)

    public init(
        ledger: Ledger, client: MQTTClient, configuration: HQLinkConfiguration, counters: GatewayCounters = GatewayCounters(),
        logger: Logger, downlink: DownlinkProcessor? = nil, scanners: @escaping @Sendable () -> [ScannerStatus] = { [] },
        sourcesFinished: @escaping @Sendable () -> Bool = { true }, disk: @escaping @Sendable () -> DiskStatus? = { nil },
        latency: ScanLatencyRecorder? = nil
    ) {
        self.disk = disk
        self.latency = latency
        self.ledger = ledger
        self.client = client
        self.configuration = configuration
        self.counters = counters
        self.logger = logger
        self.downlink = downlink
        self.scanners = scanners
        self.sourcesFinished = sourcesFinished
        (self.inputs, self.continuation) = AsyncStream<Input>.makeStream(bufferingPolicy: .unbounded)
    }

    /// Tells the link that new events were committed (call after each `Ledger.apply`): it sends them at once
    /// instead of at the next tick.
    public func outboxChanged() {
        self.continuation.yield(.outboxChanged)
    }

    /// The last status the link computed (what it published, or would have).
    public var status: GatewayStatus? { self.lastStatus.withLock { $0 } }

    public func run() async throws {
        let continuation = self.continuation
        self.client.routeEvents { continuation.yield(.mqtt($0)) }
        self.client.start()
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(20))
                continuation.yield(.tick)
            }
        }
        defer { ticker.cancel() }
        var loop = UplinkLoop(link: self)
        try await withGracefulShutdownHandler {
            try await loop.run(self.inputs)
        } onGracefulShutdown: {
            continuation.yield(.shutdown)
        }
        try await loop.finish()
        await self.client.shutdown()
        self.continuation.finish()
    }

    // What UplinkLoop needs from the link.
    var linkLedger: Ledger { self.ledger }
    var linkClient: MQTTClient { self.client }
    var linkConfiguration: HQLinkConfiguration { self.configuration }
    var linkCounters: GatewayCounters { self.counters }
    var linkLogger: Logger { self.logger }
    var linkDownlink: DownlinkProcessor? { self.downlink }
    var scannerStatus: [ScannerStatus] { self.scanners() }
    var areSourcesFinished: Bool { self.sourcesFinished() }
    var diskStatus: DiskStatus? { self.disk() }
    var latencyRecorder: ScanLatencyRecorder? { self.latency }

    func remember(_ status: GatewayStatus) {
        self.lastStatus.withLock { $0 = status }
        guard let file = self.configuration.statusFile, let bytes = try? HQJSON.encode(status) else { return }
        // Written atomically (temp + rename) so `storegate status` never reads half a file.
        try? Data(bytes).write(to: URL(fileURLWithPath: file), options: .atomic)
    }
}
