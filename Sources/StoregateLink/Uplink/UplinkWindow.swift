import StoregateMQTTClient
/// Which outbox events are in flight and what to send next: the uplink's bookkeeping, without I/O.
///
/// Two cursors walk the outbox in sequence order. Normally only one is used. When the backlog found at
/// (re)connect is larger than `interleaveAfter`, the events written from then on ("live") get their own cursor
/// and the window alternates live and backlog, so a redemption made now reaches HQ in seconds even behind a day of
/// backlog. Each cursor still sends in sequence order; HQ orders by `seq` and sees gaps close as the backlog drains.
public struct UplinkWindow: Sendable, Equatable {
    public enum Ack: Sendable, Equatable {
        case delivered(seq: Int64)
        case refused(seq: Int64, reasonCode: Int32)
        /// A PUBACK for a message id we no longer track (sent before a reconnect): ignore.
        case unknown
    }

    public let capacity: Int
    public let interleaveAfter: Int
    /// Message id → outbox seq for what libmosquitto holds unacknowledged. Message ids wrap at 65535 but a
    /// window of ~100 never holds two alike.
    public private(set) var inFlight: [Int32: Int64] = [:]
    /// Next seq the backlog cursor looks at.
    public private(set) var backlogCursor: Int64 = 1
    /// First seq of the live stream, when interleaving; nil when one cursor does it all.
    public private(set) var liveStart: Int64?
    public private(set) var liveCursor: Int64 = 1
    private var nextFromLive = true
    /// The live range was read and found empty, and nothing may have been written since: while draining a backlog
    /// the live stream is usually idle, and asking it again on every refill was most of the uplink's queries.
    private var liveLooksEmpty = false

    public init(capacity: Int = 100, interleaveAfter: Int = 1_000) {
        self.capacity = max(1, capacity)
        self.interleaveAfter = max(0, interleaveAfter)
    }

    public var free: Int { self.capacity - self.inFlight.count }
    public var isEmpty: Bool { self.inFlight.isEmpty }

    /// After a (re)connect or a refusal: forget what was in flight (it is not marked, so it is sent again) and
    /// start from the oldest pending event. `backlog` events are pending; `headSeq` is the last written.
    public mutating func restart(oldestPending: Int64?, backlog: Int, headSeq: Int64) {
        self.inFlight.removeAll(keepingCapacity: true)
        self.backlogCursor = oldestPending ?? headSeq + 1
        if backlog > self.interleaveAfter {
            self.liveStart = headSeq + 1
            self.liveCursor = headSeq + 1
        } else {
            self.liveStart = nil
        }
        self.nextFromLive = true
        self.liveLooksEmpty = false
    }

    /// New events may have been written (the pipeline said so, or a tick passed: another process may write the
    /// ledger too): the live range is worth reading again.
    public mutating func outboxMayHaveGrown() {
        guard self.liveLooksEmpty else { return }
        self.liveLooksEmpty = false
        self.nextFromLive = true   // a new event goes out before the next backlog chunk
    }

    /// Where the next fetch should read: a seq range `[from, before)`.
    public mutating func nextRange() -> (from: Int64, before: Int64) {
        guard let liveStart = self.liveStart else { return (self.backlogCursor, .max) }
        if self.backlogCursor >= liveStart {
            // The backlog caught up with the live stream: one cursor again.
            self.backlogCursor = self.liveCursor
            self.liveStart = nil
            return (self.backlogCursor, .max)
        }
        if self.liveLooksEmpty { return (self.backlogCursor, liveStart) }
        defer { self.nextFromLive.toggle() }
        return self.nextFromLive ? (self.liveCursor, .max) : (self.backlogCursor, liveStart)
    }

    /// A fetch of that range found nothing: for the live cursor, try the backlog next time (and vice versa).
    public mutating func rangeWasEmpty(_ range: (from: Int64, before: Int64)) {
        guard let liveStart = self.liveStart else { return }
        if range.before == liveStart {
            // The backlog has nothing left below liveStart: merge.
            self.backlogCursor = liveStart
        } else {
            self.liveLooksEmpty = true
        }
    }

    public mutating func sent(seq: Int64, messageID: Int32) {
        self.inFlight[messageID] = seq
        if let liveStart = self.liveStart, seq >= liveStart {
            self.liveCursor = max(self.liveCursor, seq + 1)
        } else {
            self.backlogCursor = max(self.backlogCursor, seq + 1)
        }
    }

    public mutating func acknowledged(messageID: Int32, reasonCode: Int32) -> Ack {
        guard let seq = self.inFlight.removeValue(forKey: messageID) else { return .unknown }
        return MQTTEvent.isRefusal(reasonCode) ? .refused(seq: seq, reasonCode: reasonCode) : .delivered(seq: seq)
    }

    /// The connection dropped: nothing in flight will be acknowledged to us (message ids are session state we
    /// rebuild from the outbox).
    public mutating func connectionLost() {
        self.inFlight.removeAll(keepingCapacity: true)
    }
}
