import Foundation
import StoregateContract
import StoregateMQTTClient
import Synchronization

/// The ingest's side of the MQTT client's loop thread (``MQTTLoopDriver``): each event is decoded and checked
/// where it arrives and added to the batch in hand. Everything else (connection changes, PUBACKs, statuses,
/// heartbeats, reports, refused events) goes on to the ingest's task in arrival order. Before this ran on the loop
/// thread, each event crossed two async streams on its way to a batch, and the task switches cost as much CPU as
/// decoding it.
///
/// Group commit, in lanes: each store's events go to one of ``HQConfiguration/commitsInFlight`` lanes (by a hash of
/// its id), and each lane has one committer. So the batches committing side by side never touch the same gateway or
/// rollup rows and never wait for each other's locks (measured: with one shared queue, two commits of a batch that
/// spans every store took turns for most of their time). A lane's batch goes to its committer when it holds
/// ``HQConfiguration/batchSize`` events or its first event has waited ``HQConfiguration/batchMilliseconds`` (checked
/// at every pass of the loop, at least every 20 ms) — if the committer is free to take it. While the committer is
/// busy the batch grows, up to ``HQConfiguration/batchSizeMax`` events: a backlog is written in fewer, larger
/// transactions (fewer rollup and gateway rows per event). A full batch with another still waiting stops the loop
/// thread until one is taken: the socket is not read meanwhile, so the broker keeps the backlog, not this
/// process's memory.
///
/// `@unchecked Sendable`: the batches in hand are touched only on the loop thread, and by ``finish()`` once that
/// thread has ended; the lanes' streams and counters and the condition are thread-safe.
final class IngestReceiver: MQTTLoopDriver, @unchecked Sendable {
    /// What the ingest's task handles, in arrival order.
    enum Other: Sendable {
        case mqtt(MQTTEvent)
        /// A gateway's status, heartbeat or downlink report.
        /// `retained`: the broker's stored copy, sent at subscription, not a message the gateway just published.
        case gatewayMessage(GatewayTopic, payload: [UInt8], retained: Bool)
        /// Bytes on an events topic that are not an event of the contract.
        case invalid(GatewayTopic, payload: [UInt8], problem: String)
        /// An event that names another writer than its topic's gateway.
        case misrouted(GatewayTopic, writer: GatewayKey, seq: Int64, eventID: String)
    }

    /// One committer's share of the stores: the batches handed to it, and how many it has not taken yet.
    final class Lane: Sendable {
        let batches: AsyncStream<[IncomingEvent]>
        fileprivate let continuation: AsyncStream<[IncomingEvent]>.Continuation
        fileprivate let waiting = Atomic<Int>(0)

        fileprivate init() {
            (self.batches, self.continuation) = AsyncStream.makeStream()
        }
    }

    let lanes: [Lane]
    let others: AsyncStream<Other>
    private let otherContinuation: AsyncStream<Other>.Continuation
    private let batchSize: Int
    private let batchSizeMax: Int
    private let maximumWait: Duration
    private let statistics: IngestStatistics
    private var pending: [[IncomingEvent]]
    private var oldest: [ContinuousClock.Instant]
    /// Where the loop thread waits for a committer to take a batch; `closed` (under its lock) ends the waiting.
    private let taken = NSCondition()
    private var closed = false

    init(lanes: Int, batchSize: Int, batchSizeMax: Int, batchMilliseconds: Int, statistics: IngestStatistics) {
        self.lanes = (0..<max(1, lanes)).map { _ in Lane() }
        (self.others, self.otherContinuation) = AsyncStream.makeStream()
        self.batchSize = batchSize
        self.batchSizeMax = max(batchSize, batchSizeMax)
        self.maximumWait = .milliseconds(batchMilliseconds)
        self.statistics = statistics
        self.pending = Array(repeating: [], count: self.lanes.count)
        self.oldest = Array(repeating: .now, count: self.lanes.count)
    }

    /// The lane's committer took a batch (its task).
    func batchTaken(from lane: Lane) {
        lane.waiting.subtract(1, ordering: .sequentiallyConsistent)
        self.taken.lock()
        self.taken.broadcast()
        self.taken.unlock()
    }

    /// The loop thread waits for no committer from now on (graceful shutdown: the committers may be gone).
    func stopWaiting() {
        self.taken.lock()
        self.closed = true
        self.taken.broadcast()
        self.taken.unlock()
    }

    func handle(_ event: MQTTEvent) {
        guard case .message(let topic, let payload, let retained) = event, let address = GatewayTopic(topic: topic) else {
            self.otherContinuation.yield(.mqtt(event))
            return
        }
        guard address.kind == .events else {
            self.otherContinuation.yield(.gatewayMessage(address, payload: payload, retained: retained))
            return
        }
        self.statistics.update { $0.received += 1 }
        switch IncomingEvent.decode(storeID: address.storeID, gatewayID: address.gatewayID, bytes: payload) {
        case .success(let event):
            let lane = self.lane(of: address.storeID)
            if self.pending[lane].isEmpty { self.oldest[lane] = .now }
            self.pending[lane].append(event)
            if self.pending[lane].count >= self.batchSize && self.committerFree(lane) {
                self.send(lane)
            } else if self.pending[lane].count >= self.batchSizeMax {
                self.waitForCommitter(lane)
                self.send(lane)
            }
        case .failure(.invalid(let problem)):
            self.otherContinuation.yield(.invalid(address, payload: payload, problem: problem.description))
        case .failure(.topicMismatch(let writer, let seq, let eventID)):
            self.otherContinuation.yield(.misrouted(address, writer: writer, seq: seq, eventID: eventID))
        }
    }

    func loopPassed() {
        let now = ContinuousClock.now
        for lane in self.lanes.indices where !self.pending[lane].isEmpty && self.committerFree(lane) {
            if self.pending[lane].count >= self.batchSize || now - self.oldest[lane] >= self.maximumWait { self.send(lane) }
        }
    }

    /// Once the loop thread has ended: the batches in hand go to the committers, and every stream ends.
    func finish() {
        for lane in self.lanes.indices {
            if !self.pending[lane].isEmpty { self.send(lane) }
            self.lanes[lane].continuation.finish()
        }
        self.otherContinuation.finish()
    }

    /// A store's lane: FNV-1a of its id, so a store's events always go to the same committer.
    private func lane(of storeID: String) -> Int {
        guard self.lanes.count > 1 else { return 0 }
        var hash: UInt32 = 2_166_136_261
        for byte in storeID.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return Int(hash % UInt32(self.lanes.count))
    }

    private func committerFree(_ lane: Int) -> Bool {
        self.lanes[lane].waiting.load(ordering: .sequentiallyConsistent) == 0
    }

    private func waitForCommitter(_ lane: Int) {
        self.taken.lock()
        while !self.committerFree(lane) && !self.closed { self.taken.wait() }
        self.taken.unlock()
    }

    private func send(_ lane: Int) {
        self.lanes[lane].waiting.add(1, ordering: .sequentiallyConsistent)
        self.lanes[lane].continuation.yield(self.pending[lane])
        self.pending[lane] = []
    }
}
