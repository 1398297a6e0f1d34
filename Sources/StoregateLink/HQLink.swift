import Foundation
public import Logging
public import ServiceLifecycle
public import StoregateContract
import StoregateCore
import StoregateFoundation
public import StoregateLedger
public import StoregateMQTTClient
import Synchronization

/// The gateway's side of the HQ link as one `Service`: it drains the outbox to the broker (QoS 1, a bounded
/// window, marks delivered on PUBACK, resends whatever is unmarked after a reconnect or restart), keeps the
/// retained status and the heartbeat, and hands downlink messages to the ``DownlinkProcessor``.
///
/// All of it runs on the MQTT client's loop thread (``UplinkLoop`` is its driver), so the bookkeeping needs no
/// locks and a PUBACK costs no thread hop. The rest of the process talks to it through two flags and a wake-up:
/// ``outboxChanged()`` and the graceful shutdown.
public final class HQLink: Service, Sendable {
    private let ledger: Ledger
    private let client: MQTTClient
    private let configuration: HQLinkConfiguration
    private let counters: GatewayCounters
    private let logger: Logger
    private let downlink: DownlinkProcessor?
    private let scanners: @Sendable () -> [ScannerStatus]
    private let sourcesFinished: @Sendable () -> Bool
    private let disk: DiskGuard?
    private let latency: ScanLatencyRecorder?
    private let outboxGrew = Atomic<Bool>(false)
    private let shutdownRequested = Atomic<Bool>(false)
    private let lastStatus = Mutex<GatewayStatus?>(nil)

    public init(
        ledger: Ledger, client: MQTTClient, configuration: HQLinkConfiguration, counters: GatewayCounters = GatewayCounters(),
        logger: Logger, downlink: DownlinkProcessor? = nil, scanners: @escaping @Sendable () -> [ScannerStatus] = { [] },
        sourcesFinished: @escaping @Sendable () -> Bool = { true }, disk: DiskGuard? = nil,
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
    }

    /// Tells the link that new events were committed (call after each `Ledger.apply`): it sends them at once
    /// instead of at the next tick.
    public func outboxChanged() {
        self.outboxGrew.store(true, ordering: .releasing)
        self.client.wake()
    }

    /// The last status the link computed (what it published, or would have).
    public var status: GatewayStatus? { self.lastStatus.withLock { $0 } }

    /// Runs until graceful shutdown or cancellation (then flushes, says offline and disconnects), or until drained
    /// when `exitWhenDrained` is set; throws if the ledger failed under the uplink.
    public func run() async throws {
        // The whole window may be on the wire (libmosquitto would otherwise hold all but 20 back in its own queue),
        // plus room for the status and downlink reports, which are not part of the window.
        try self.client.limitInflight(to: self.configuration.window + 10)
        let uplink = UplinkLoop(link: self)
        uplink.prepare()
        self.client.start(driver: uplink)
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await self.client.waitUntilStopped()
            } onCancel: {
                self.requestShutdown()
            }
        } onGracefulShutdown: {
            self.requestShutdown()
        }
        if let failure = uplink.failure { throw failure }
    }

    private func requestShutdown() {
        self.shutdownRequested.store(true, ordering: .releasing)
        self.client.wake()
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
    var diskStatus: DiskStatus? { self.disk?.status }
    var linkDisk: DiskGuard? { self.disk }
    var latencyRecorder: ScanLatencyRecorder? { self.latency }
    func takeOutboxChanged() -> Bool { self.outboxGrew.exchange(false, ordering: .acquiringAndReleasing) }
    func takeShutdownRequest() -> Bool { self.shutdownRequested.load(ordering: .acquiring) }

    func remember(_ status: GatewayStatus) {
        self.lastStatus.withLock { $0 = status }
        guard let file = self.configuration.statusFile, let bytes = try? HQJSON.encode(status) else { return }
        // Written atomically (temp + rename) so `storegate status` never reads half a file; 0640 like the ledger.
        try? GroupReadableFile.write(bytes, to: file)
    }
}
