import Foundation
import Synchronization
import Hummingbird
import StoregateGateway
import StoregateLedger

/// `GET /v1/events`: every decision as a Server-Sent Event (`id:` the journal seq, `data:` one JSON object).
/// With `Last-Event-ID`, the journal's events after it come first, then the live ones. A subscriber cut off by the
/// gateway gets a final `event: closed` saying why; it may reconnect with the last id it saw. While nothing is
/// decided (a store at night) a `: keep-alive` comment goes out every `keepAlive`: SSE clients that reconnect after a
/// silence (45 s in common browser polyfills) stay connected, and a client that went away is found at that write.
enum EventStreamResponse {
    static let journalPage = 200

    /// `onEnd`: called once the stream is over, however it ends — also when its body is never written.
    static func make(_ decisions: DecisionStream, ledger: Ledger, lastEventID: Int64?, keepAlive: Duration,
                     onEnd: @escaping @Sendable () -> Void) -> Response {
        // Subscribed before the journal is read, so nothing decided in between is missed (duplicates are skipped).
        let lease = StreamLease(subscription: decisions.subscribe(), onEnd: onEnd)
        let body = ResponseBody { writer in
            let subscription = lease.subscription
            let ticker = Task {
                while !Task.isCancelled {
                    try await Task.sleep(for: keepAlive)
                    subscription.keepAlive()
                }
            }
            defer {
                ticker.cancel()
                lease.end()
            }
            // Sent at once: a client that has read it knows it is subscribed.
            try await writer.write(ByteBuffer(string: ": storegate decisions\n\n"))
            var replayedUpTo: Int64 = 0
            if let lastEventID {
                replayedUpTo = lastEventID
                while true {
                    let from = replayedUpTo + 1
                    let page = try await ledger.async.run { try $0.journal(fromSeq: from, limit: Self.journalPage) }
                    for event in page { try await writer.write(ByteBuffer(string: Self.frame(DecisionEvent(event)))) }
                    replayedUpTo = page.last?.seq ?? replayedUpTo
                    if page.count < Self.journalPage { break }
                }
            }
            for await delivery in subscription.events {
                switch delivery {
                case .keepAlive:
                    try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                case .decision(let event):
                    // Already sent from the journal.
                    if let seq = event.seq, seq <= replayedUpTo { continue }
                    try await writer.write(ByteBuffer(string: Self.frame(event)))
                }
            }
            if let reason = subscription.endReason {
                let data = (try? JSONSerialization.data(withJSONObject: ["reason": reason])).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
                try await writer.write(ByteBuffer(string: ": \(reason)\nevent: closed\ndata: \(data)\n\n"))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }

    /// A decision not journaled (a verify while disk space is low) has no `id:`.
    static func frame(_ event: DecisionEvent) -> String {
        (event.seq.map { "id: \($0)\n" } ?? "") + "data: \(event.json)\n\n"
    }
}

/// One stream's subscription and its slot (`onEnd`), given back once. The body's `defer` gives them back when the
/// stream ends; when the server never writes the body (the client left before the response head went out), the
/// lease goes with the dropped body. Before, that case kept the slot for good, and after `api.max_event_streams`
/// such clients every stream was refused.
final class StreamLease: Sendable {
    let subscription: DecisionStream.Subscription
    private let onEnd: @Sendable () -> Void
    private let ended = Atomic<Bool>(false)

    init(subscription: DecisionStream.Subscription, onEnd: @escaping @Sendable () -> Void) {
        self.subscription = subscription
        self.onEnd = onEnd
    }

    func end() {
        guard !self.ended.exchange(true, ordering: .acquiringAndReleasing) else { return }
        self.subscription.cancel()
        self.onEnd()
    }

    deinit {
        self.end()
    }
}
