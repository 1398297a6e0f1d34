import Prometheus
import StoregateContract
import StoregateCore
import StoregateGateway
import StoregateLedger
import StoregateLink
import Synchronization

/// `GET /metrics`: the gateway's counters and gauges in Prometheus text format (swift-prometheus writes the format).
///
/// The gateway counts in ``GatewayCounters`` (what the heartbeat publishes too);
/// a scrape adds what they grew by since the last scrape to the Prometheus counters and reads the gauges fresh.
final class GatewayMetrics: Sendable {
    static let scannerStates = ["running", "finished", "stopped", "failed"]
    static let statusClasses = ["2xx", "3xx", "4xx", "5xx"]

    private let registry = PrometheusCollectorRegistry()
    private let counters: [GatewayCounters.Counter: Prometheus.Counter]
    private let results: [ResultCode: Prometheus.Counter]
    private let requests: [String: Prometheus.Counter]
    private let backlog: Gauge
    private let connected: Gauge
    private let uplinkRefused: Gauge
    private let downlinkRefused: Gauge
    private let scanners: [String: Gauge]
    /// What the gateway's own counts were at the last scrape; under the lock so two scrapes never add twice.
    private let seen = Mutex<(counters: [GatewayCounters.Counter: Int], results: [ResultCode: Int])>(([:], [:]))

    init() {
        let registry = self.registry
        self.counters = Dictionary(uniqueKeysWithValues: GatewayCounters.Counter.allCases.map {
            ($0, registry.makeCounter(descriptor: Self.series("\($0.rawValue)_total", Self.help(for: $0))))
        })
        self.results = Dictionary(uniqueKeysWithValues: ResultCode.allCases.map {
            ($0, registry.makeCounter(descriptor: Self.series("decisions_total", "Decisions by result code, from scanners and the API."),
                                 labels: [("result", $0.rawValue)]))
        })
        self.requests = Dictionary(uniqueKeysWithValues: Self.statusClasses.map {
            ($0, registry.makeCounter(descriptor: Self.series("api_requests_total", "API requests answered, by status class."),
                                 labels: [("class", $0)]))
        })
        self.backlog = registry.makeGauge(descriptor: Self.series("outbox_backlog", "Journal events not yet acknowledged by HQ."))
        self.connected = registry.makeGauge(descriptor: Self.series("link_connected", "1 while the HQ link is online, else 0."))
        self.uplinkRefused = registry.makeGauge(descriptor: Self.series(
            "uplink_refused", "1 while the broker refuses this gateway's events (PUBACK reason >= 0x80), else 0."))
        self.downlinkRefused = registry.makeGauge(descriptor: Self.series(
            "downlink_refused", "1 while the broker refuses the subscription to HQ's downlink (SUBACK reason >= 0x80), else 0."))
        self.scanners = Dictionary(uniqueKeysWithValues: Self.scannerStates.map {
            ($0, registry.makeGauge(descriptor: Self.series("scanners", "Configured scanners by state."), labels: [("state", $0)]))
        })
    }

    func countRequest(status: Int) {
        let statusClass = "\(status / 100)xx"
        self.requests[statusClass]?.increment()
    }

    /// The text of one scrape.
    func render(desk: OperationDesk, scanners: [ScannerStatus]) -> [UInt8] {
        let counts = desk.counters.snapshot
        let results = desk.counters.resultCounts
        self.seen.withLock { seen in
            for (counter, metric) in self.counters {
                let now = counts[counter.rawValue] ?? 0
                metric.increment(by: Int64(now - seen.counters[counter, default: 0]))
                seen.counters[counter] = now
            }
            for (result, metric) in self.results {
                let now = results[result] ?? 0
                metric.increment(by: Int64(now - seen.results[result, default: 0]))
                seen.results[result] = now
            }
        }
        let report = try? StatusReport(ledger: desk.ledger, daemon: desk.linkStatus)
        if let report { self.backlog.set(Int64(report.backlog)) }
        self.connected.set(Int64(report?.isOnline == true ? 1 : 0))
        let link = desk.linkStatus
        self.uplinkRefused.set(Int64(link?.uplinkRefusal == nil ? 0 : 1))
        self.downlinkRefused.set(Int64(link?.downlinkRefusal == nil ? 0 : 1))
        for (state, gauge) in self.scanners {
            gauge.set(Int64(scanners.count { $0.state == state }))
        }
        return self.registry.emitToBuffer()
    }

    /// `storegate_<name>` (Prometheus' unit suffix is part of the names here, e.g. `_total`).
    private static func series(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "storegate", metricName: name, unitName: "", helpText: help)
    }

    private static func help(for counter: GatewayCounters.Counter) -> String {
        switch counter {
        case .scans: "Operations decided, from scanners and the API."
        case .accepted: "Operations accepted."
        case .rejected: "Operations rejected (or not recorded)."
        case .published: "Journal events published to HQ."
        case .delivered: "Journal events HQ acknowledged."
        case .refused: "Journal events the broker refused."
        case .reconnects: "Reconnections to the broker."
        case .downlinkApplied: "Signed downlink messages applied."
        case .downlinkRejected: "Downlink messages rejected."
        case .downlinkDeferred: "Downlink messages left unacknowledged after a transient failure (disk full, ledger busy)."
        case .passThroughTyped: "Accepted scans typed to the till on the pass-through keyboard."
        case .passThroughFailed: "Accepted scans not typed: the pass-through keyboard could not be made or written."
        case .passThroughDropped: "Accepted scans not typed: too many were waiting for the pass-through keyboard."
        case .passThroughRefused: "Accepted scans not typed: refused by the lane's pass_through_allowed or pass_through_max_length."
        }
    }
}
