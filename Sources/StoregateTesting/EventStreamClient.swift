import Foundation
import Synchronization

/// A Server-Sent Events subscriber on a real loopback socket: it reads `GET path` on a thread of its own and
/// collects the frames, or (``stall()``) stops reading, like a POS that hung.
public final class EventStreamClient: Sendable {
    /// One SSE frame: `id:`, `event:` and `data:` lines, and comments (`: …`).
    public struct Frame: Sendable, Equatable {
        public var id: String?
        public var event: String?
        public var data: String?
        public var comments: [String] = []
    }

    private struct State {
        /// Bytes received and not yet taken apart (headers, then chunk framing).
        var raw: [UInt8] = []
        var headerDone = false
        /// De-chunked body text not yet ending a frame.
        var body: [UInt8] = []
        var frames: [Frame] = []
        var ended = false
    }

    private let socket: LoopbackSocket
    private let state = Mutex(State())
    private let paused = Atomic<Bool>(false)
    private let closed = Atomic<Bool>(false)

    /// `lastEventID`: sent as `Last-Event-ID`, as a reconnecting browser would. `token`: sent as a bearer token.
    public init(port: Int, path: String = "/v1/events", lastEventID: Int64? = nil, token: String? = nil,
                receiveBufferBytes: Int? = nil) throws {
        self.socket = try LoopbackSocket(port: port, receiveBufferBytes: receiveBufferBytes, timeoutSeconds: 60)
        let resume = lastEventID.map { "Last-Event-ID: \($0)\r\n" } ?? ""
        let authorization = token.map { "Authorization: Bearer \($0)\r\n" } ?? ""
        try self.socket.send(Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\(resume)\(authorization)\r\n".utf8))
        let thread = Thread { [self] in
            while !self.closed.load(ordering: .acquiring) {
                if self.paused.load(ordering: .acquiring) {
                    usleep(5_000)
                    continue
                }
                let chunk = self.socket.receive()
                if chunk.isEmpty { break }
                self.take(chunk)
            }
            self.state.withLock { $0.ended = true }
        }
        thread.start()
    }

    public var frames: [Frame] { self.state.withLock { $0.frames } }
    /// The frames that carry a decision (`data:` without an `event:` name).
    public var decisions: [Frame] { self.frames.filter { $0.event == nil && $0.data != nil } }
    /// True once the server ended the response (or the connection).
    public var ended: Bool { self.state.withLock { $0.ended } }
    /// True once the server's first comment arrived: from then on it delivers every decision to this client.
    public var subscribed: Bool { self.state.withLock { !$0.frames.isEmpty } }

    /// Stops reading after the chunk in hand: the server's writes pile up in the socket.
    public func stall() {
        self.paused.store(true, ordering: .releasing)
    }

    /// Reads again after ``stall()``.
    public func resume() {
        self.paused.store(false, ordering: .releasing)
    }

    public func close() {
        self.closed.store(true, ordering: .releasing)
        self.socket.shutdown()
    }

    private func take(_ chunk: [UInt8]) {
        self.state.withLock { state in
            state.raw += chunk
            if !state.headerDone {
                guard let end = state.raw.firstRange(of: Array("\r\n\r\n".utf8)) else { return }
                state.raw.removeSubrange(..<end.upperBound)
                state.headerDone = true
            }
            // The body is chunked (size line, data, CRLF); a frame may span chunks.
            while let lineEnd = state.raw.firstRange(of: Array("\r\n".utf8)),
                  let size = Int(String(decoding: state.raw[..<lineEnd.lowerBound], as: UTF8.self), radix: 16),
                  state.raw.count >= lineEnd.upperBound + size + 2 {
                state.body += state.raw[lineEnd.upperBound..<lineEnd.upperBound + size]
                state.raw.removeSubrange(..<(lineEnd.upperBound + size + 2))
                // The last chunk: the response is complete (the connection itself may stay open).
                if size == 0 { state.ended = true }
            }
            while let end = state.body.firstRange(of: Array("\n\n".utf8)) {
                state.frames.append(Self.frame(String(decoding: state.body[..<end.lowerBound], as: UTF8.self)))
                state.body.removeSubrange(..<end.upperBound)
            }
        }
    }

    static func frame(_ text: String) -> Frame {
        var frame = Frame()
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix(":") {
                frame.comments.append(line.dropFirst().trimmingCharacters(in: .whitespaces))
            } else if line.hasPrefix("id: ") {
                frame.id = String(line.dropFirst(4))
            } else if line.hasPrefix("event: ") {
                frame.event = String(line.dropFirst(7))
            } else if line.hasPrefix("data: ") {
                frame.data = String(line.dropFirst(6))
            }
        }
        return frame
    }
}
