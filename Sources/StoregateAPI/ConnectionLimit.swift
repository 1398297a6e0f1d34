import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes
import Synchronization

/// HTTP/1.1 with a cap on open connections (`api.max_connections`): a connection beyond it gets one
/// `503 too_many_connections` and is closed, so a misbehaving till or a LAN scan cannot hold every socket and file
/// descriptor of the gateway. Counted per connection, not per request: keep-alive connections and event streams
/// hold their place until they close (idle ones are closed after `api.idle_timeout_seconds`).
struct ConnectionLimitedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let base: HTTP1Channel
    let limit: Int
    let openConnections: OpenConnections

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        self.base.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        guard self.openConnections.enter(limit: self.limit) else {
            logger.warning("POS API: a connection from \(value.channel.remoteAddress?.description ?? "?") refused, \(self.limit) are open (api.max_connections)")
            await Self.refuse(value, limit: self.limit)
            return
        }
        defer { self.openConnections.leave() }
        await self.base.handle(value: value, logger: logger)
    }

    /// The API's JSON error object (docs/api.md), written without reading the request: the client may not have sent one.
    private static func refuse(_ connection: Value, limit: Int) async {
        let body = #"{"error":{"code":"too_many_connections","message":"the gateway has \#(limit) connections open; close one and retry"}}"#
        var head = HTTPResponse(status: .serviceUnavailable)
        head.headerFields[.contentType] = "application/json"
        head.headerFields[.contentLength] = String(body.utf8.count)
        head.headerFields[.connection] = "close"
        head.headerFields[.retryAfter] = "1"
        try? await connection.executeThenClose { _, outbound in
            try await outbound.write(.head(head))
            try await outbound.write(.body(ByteBuffer(string: body)))
            try await outbound.write(.end(nil))
        }
    }
}

/// The number of connections being served now.
final class OpenConnections: Sendable {
    private let count = Mutex(0)

    /// Takes a place if fewer than `limit` are taken.
    func enter(limit: Int) -> Bool {
        self.count.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    func leave() {
        self.count.withLock { $0 -= 1 }
    }
}
