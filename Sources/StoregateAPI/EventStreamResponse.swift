import Foundation
import Hummingbird
import StoregateGateway

/// `GET /v1/events`: every decision as a Server-Sent Event (`id:` the journal seq, `data:` one JSON object).
/// A subscriber cut off by the gateway gets a final `event: closed` saying why; it may reconnect.
enum EventStreamResponse {
    static func make(_ decisions: DecisionStream) -> Response {
        let subscription = decisions.subscribe()
        let body = ResponseBody { writer in
            defer { subscription.cancel() }
            // Sent at once: a client that has read it knows it is subscribed.
            try await writer.write(ByteBuffer(string: ": storegate decisions\n\n"))
            for await event in subscription.events {
                try await writer.write(ByteBuffer(string: Self.frame(event)))
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
