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
/// Group commit: the batch in hand goes to the committers when it holds ``HQConfiguration/batchSize`` events or its
/// first event has waited ``HQConfiguration/batchMilliseconds`` (checked at every pass of the loop, at least every
/// 20 ms) — if a committer is free to take it. While every committer is busy it grows, up to
/// ``HQConfiguration/batchSizeMax`` events: a backlog is written in fewer, larger transactions (fewer rollup and
/// gateway rows per event). A full batch with another still waiting for a committer stops the loop thread until one
/// is taken: the socket is not read meanwhile, so the broker keeps the backlog, not this process's memory.
///
/// `@unchecked Sendable`: the batch in hand is touched only on the loop thread, and by ``finish()`` once that thread
/// has ended; the continuations, the counter and the condition are thread-safe.
final class IngestReceiver: MQTTLoopDriver, @unchecked Sendable {
    /// What the ingest's task handles, in arrival order.
    enum Other: Sendable {
        case mqtt(MQTTEvent)
        /// Bytes on an events topic that are not an event of the contract.
        case invalid(GatewayTopic, payload: [UInt8], problem: String)
        /// An event that names another writer than its topic's gateway.
        case misrouted(GatewayTopic, writer: GatewayKey, seq: Int64, eventID: String)
    }

    let batches: AsyncStream<[IncomingEvent]>
    let others: AsyncStream<Other>
    private let batchContinuation: AsyncStream<[IncomingEvent]>.Continuation
    private let otherContinuation: AsyncStream<Other>.Continuation
    private let batchSize: Int
    private let batchSizeMax: Int
    private let maximumWait: Duration
    private let statistics: IngestStatistics
    private var pending: [IncomingEvent] = []
    private var oldest = ContinuousClock.now
    /// Batches handed over that no committer has taken yet.
    private let waiting = Atomic<Int>(0)
    /// Where the loop thread waits for a committer to take a batch; `closed` (under its lock) ends the waiting.
    private let taken = NSCondition()
    private var closed = false

    init(batchSize: Int, batchSizeMax: Int, batchMilliseconds: Int, statistics: IngestStatistics) {
        (self.batches, self.batchContinuation) = AsyncStream.makeStream()
        (self.others, self.otherContinuation) = AsyncStream.makeStream()
        self.batchSize = batchSize
        self.batchSizeMax = max(batchSize, batchSizeMax)
        self.maximumWait = .milliseconds(batchMilliseconds)
        self.statistics = statistics
    }

    /// A committer took a batch (any task).
    func batchTaken() {
        self.waiting.subtract(1, ordering: .sequentiallyConsistent)
        self.taken.lock()
        self.taken.signal()
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
        guard case .message(let topic, let payload, _) = event, let address = GatewayTopic(topic: topic),
              address.kind == .events else {
            self.otherContinuation.yield(.mqtt(event))
            return
        }
        self.statistics.update { $0.received += 1 }
        switch IncomingEvent.decode(storeID: address.storeID, gatewayID: address.gatewayID, bytes: payload) {
        case .success(let event):
            if self.pending.isEmpty { self.oldest = .now }
            self.pending.append(event)
            if self.pending.count >= self.batchSize && self.committerFree {
                self.send()
            } else if self.pending.count >= self.batchSizeMax {
                self.waitForCommitter()
                self.send()
            }
        case .failure(.invalid(let problem)):
            self.otherContinuation.yield(.invalid(address, payload: payload, problem: problem.description))
        case .failure(.topicMismatch(let writer, let seq, let eventID)):
            self.otherContinuation.yield(.misrouted(address, writer: writer, seq: seq, eventID: eventID))
        }
    }

    func loopPassed() {
        guard !self.pending.isEmpty, self.committerFree else { return }
        if self.pending.count >= self.batchSize || ContinuousClock.now - self.oldest >= self.maximumWait { self.send() }
    }

    private var committerFree: Bool { self.waiting.load(ordering: .sequentiallyConsistent) == 0 }

    private func waitForCommitter() {
        self.taken.lock()
        while !self.committerFree && !self.closed { self.taken.wait() }
        self.taken.unlock()
    }

    /// Once the loop thread has ended: the batch in hand goes to the committers, and both streams end.
    func finish() {
        if !self.pending.isEmpty { self.send() }
        self.batchContinuation.finish()
        self.otherContinuation.finish()
    }

    private func send() {
        self.waiting.add(1, ordering: .sequentiallyConsistent)
        self.batchContinuation.yield(self.pending)
        self.pending = []
    }
}
