import Synchronization

/// Fans every ``DecisionEvent`` out to the subscribers of the POS event stream.
///
/// ``publish(_:)`` is called on the scan path, so it never waits: each subscriber has a bounded buffer, and one
/// whose buffer is full is cut off (its stream ends after what it had buffered, ``Subscription/endReason`` says
/// why) rather than slowing the scans or growing without bound. A cut-off client may reconnect.
public final class DecisionStream: Sendable {
    /// What a subscriber receives: the decisions, and the keep-alives it asked for while nothing was decided.
    public enum Delivery: Sendable, Equatable {
        case decision(DecisionEvent)
        case keepAlive
    }

    /// One subscriber's view: the events, and why they ended when the stream did not end them for shutdown.
    public final class Subscription: Sendable {
        public let events: AsyncStream<Delivery>
        private let continuation: AsyncStream<Delivery>.Continuation
        private let reason = Mutex<String?>(nil)

        init(events: AsyncStream<Delivery>, continuation: AsyncStream<Delivery>.Continuation) {
            self.events = events
            self.continuation = continuation
        }

        /// Queues a keep-alive behind whatever is waiting; with a full buffer it is left out (only a decision that
        /// does not fit cuts a subscriber off).
        public func keepAlive() {
            self.continuation.yield(.keepAlive)
        }

        /// Stops the subscription (its client went away); it receives nothing more.
        public func cancel() {
            self.continuation.finish()
        }

        /// Set before the stream ends when the gateway ended it (too slow, shutting down).
        public var endReason: String? { self.reason.withLock { $0 } }

        func end(because reason: String) {
            self.reason.withLock { $0 = reason }
        }
    }

    private struct Subscriber {
        var continuation: AsyncStream<Delivery>.Continuation
        var subscription: Subscription
    }

    /// Decisions a subscriber may have waiting before it is cut off.
    public let bufferLimit: Int
    private let subscribers = Mutex<(next: Int, all: [Int: Subscriber])>((0, [:]))

    public init(bufferLimit: Int = 256) {
        self.bufferLimit = bufferLimit
    }

    public var subscriberCount: Int { self.subscribers.withLock { $0.all.count } }

    /// A new subscriber receives every decision published from now on, until it stops listening or is cut off.
    public func subscribe() -> Subscription {
        let (events, continuation) = AsyncStream.makeStream(of: Delivery.self, bufferingPolicy: .bufferingOldest(self.bufferLimit))
        let subscription = Subscription(events: events, continuation: continuation)
        let id = self.subscribers.withLock { state in
            state.next += 1
            state.all[state.next] = Subscriber(continuation: continuation, subscription: subscription)
            return state.next
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.all.removeValue(forKey: id) }
        }
        return subscription
    }

    public func publish(_ event: DecisionEvent) {
        let tooSlow = self.subscribers.withLock { state -> [Subscriber] in
            var dropped: [Subscriber] = []
            for (id, subscriber) in state.all {
                if case .dropped = subscriber.continuation.yield(.decision(event)) {
                    dropped.append(subscriber)
                    state.all.removeValue(forKey: id)
                }
            }
            return dropped
        }
        // Finished outside the lock: finishing runs onTermination, which takes it.
        for subscriber in tooSlow {
            subscriber.subscription.end(because: "too slow: \(self.bufferLimit) decisions were waiting; reconnect")
            subscriber.continuation.finish()
        }
    }

    /// Ends every subscription (graceful shutdown), so no response stays open.
    public func finishAll(because reason: String) {
        let all = self.subscribers.withLock { state in
            defer { state.all.removeAll() }
            return Array(state.all.values)
        }
        for subscriber in all {
            subscriber.subscription.end(because: reason)
            subscriber.continuation.finish()
        }
    }
}
