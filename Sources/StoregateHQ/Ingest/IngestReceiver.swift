import Foundation
import StoregateContract
import StoregateMQTTClient

/// The ingest's side of the MQTT client's loop thread (``MQTTLoopDriver``): each event is decoded and checked
/// where it arrives and added to the batch in hand, which goes to the committers when it is full or its first event
/// has waited ``HQConfiguration/batchMilliseconds`` (checked at every pass of the loop, at least every 20 ms).
/// Everything else (connection changes, PUBACKs, statuses, heartbeats, reports, refused events) goes on to the
/// ingest's task in arrival order. Before this ran on the loop thread, each event crossed two async streams on its way
/// to a batch, and the task switches cost as much CPU as decoding it.
///
/// `@unchecked Sendable`: the batch in hand is touched only on the loop thread, and by ``finish()`` once that thread
/// has ended; the continuations are thread-safe.
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
    private let maximumWait: Duration
    private let statistics: IngestStatistics
    private var pending: [IncomingEvent] = []
    private var oldest = ContinuousClock.now

    init(batchSize: Int, batchMilliseconds: Int, statistics: IngestStatistics) {
        (self.batches, self.batchContinuation) = AsyncStream.makeStream()
        (self.others, self.otherContinuation) = AsyncStream.makeStream()
        self.batchSize = batchSize
        self.maximumWait = .milliseconds(batchMilliseconds)
        self.statistics = statistics
        self.pending.reserveCapacity(batchSize)
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
            if self.pending.count >= self.batchSize { self.send() }
        case .failure(.invalid(let problem)):
            self.otherContinuation.yield(.invalid(address, payload: payload, problem: problem.description))
        case .failure(.topicMismatch(let writer, let seq, let eventID)):
            self.otherContinuation.yield(.misrouted(address, writer: writer, seq: seq, eventID: eventID))
        }
    }

    func loopPassed() {
        if !self.pending.isEmpty && ContinuousClock.now - self.oldest >= self.maximumWait { self.send() }
    }

    /// Once the loop thread has ended: the batch in hand goes to the committers, and both streams end.
    func finish() {
        if !self.pending.isEmpty { self.send() }
        self.batchContinuation.finish()
        self.otherContinuation.finish()
    }

    private func send() {
        self.batchContinuation.yield(self.pending)
        self.pending = []
        self.pending.reserveCapacity(self.batchSize)
    }
}
