import Foundation
import StoregateContract
import Synchronization

/// A minimal MQTT v5 "broker" on a loopback port that the test controls: it accepts one client connection at a
/// time, answers CONNECT and PINGREQ, records every QoS 1 PUBLISH and sends its PUBACK only when told to. What a
/// real broker cannot be made to do on cue: withhold acknowledgements, or drop the connection with PUBACKs owed.
final class FakeBroker: Sendable {
    struct Publish: Sendable, Equatable {
        var connection: Int
        var packetID: UInt16
        var topic: String
        /// The outbox seq of an event (its `seq` user property); nil for status and other messages.
        var seq: Int64?
    }

    let port: Int
    private let listener: Int32
    private struct State {
        var client: Int32 = -1
        var connections = 0
        var publishes: [Publish] = []
        var acknowledged = 0
        var autoAcknowledge = false
        var stopped = false
    }
    private let state = Mutex(State())

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard fd >= 0, bound == 0, listen(fd, 4) == 0 else { throw CocoaError(.fileReadUnknown) }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.listener = fd
        self.port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in self.acceptLoop() }
        thread.name = "fake-broker"
        thread.start()
    }

    /// Every PUBLISH received, in arrival order.
    var publishes: [Publish] { self.state.withLock { $0.publishes } }
    /// The event PUBLISHes (those carrying a seq).
    var events: [Publish] { self.publishes.filter { $0.seq != nil } }
    var connections: Int { self.state.withLock { $0.connections } }


    /// Sends the PUBACKs owed for every PUBLISH received so far (in order) and, with `from now on`, for every
    /// later one as it arrives.
    func acknowledgeAll(fromNowOn: Bool = false) {
        self.state.withLock { state in
            state.autoAcknowledge = fromNowOn
            Self.acknowledge(&state, upTo: state.publishes.count)
        }
    }

    /// Sends PUBACKs in arrival order until `count` event PUBLISHes are acknowledged (other PUBLISHes, such as the
    /// status, in between are acknowledged too).
    func acknowledgeEvents(_ count: Int) {
        self.state.withLock { state in
            var events = 0
            var end = 0
            for (index, publish) in state.publishes.enumerated() where publish.seq != nil {
                events += 1
                if events == count { end = index + 1; break }
            }
            Self.acknowledge(&state, upTo: end)
        }
    }

    /// Closes the client's connection without a word (PUBACKs owed are never sent); the next connection is accepted.
    func dropConnection() {
        self.state.withLock { state in
            if state.client >= 0 { shutdown(state.client, Int32(SHUT_RDWR)) }
        }
    }

    func stop() {
        self.state.withLock { $0.stopped = true }
        self.dropConnection()
        shutdown(self.listener, Int32(SHUT_RDWR))
        close(self.listener)
    }

    private static func acknowledge(_ state: inout State, upTo end: Int) {
        while state.acknowledged < end {
            let publish = state.publishes[state.acknowledged]
            state.acknowledged += 1
            guard publish.connection == state.connections, state.client >= 0 else { continue }
            let packet: [UInt8] = [0x40, 0x02, UInt8(publish.packetID >> 8), UInt8(publish.packetID & 0xFF)]
            _ = packet.withUnsafeBytes { send(state.client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
    }

    private func acceptLoop() {
        while !self.state.withLock({ $0.stopped }) {
            let client = accept(self.listener, nil, nil)
            guard client >= 0 else { return }
            let connection = self.state.withLock { state -> Int in
                state.connections += 1
                state.client = client
                // PUBACKs owed to an earlier connection are never sent.
                state.acknowledged = state.publishes.count
                return state.connections
            }
            self.serve(client, connection: connection)
            self.state.withLock { $0.client = -1 }
            close(client)
        }
    }

    private func serve(_ client: Int32, connection: Int) {
        var reader = PacketReader(fd: client)
        while let (header, body) = reader.next() {
            switch header >> 4 {
            case 1:  // CONNECT → CONNACK, session not present, success, no properties
                self.reply(client, [0x20, 0x03, 0x00, 0x00, 0x00])
            case 3:  // PUBLISH
                guard let publish = Self.parsePublish(header: header, body: body, connection: connection) else { continue }
                self.state.withLock { state in
                    state.publishes.append(publish)
                    if state.autoAcknowledge { Self.acknowledge(&state, upTo: state.publishes.count) }
                }
            case 12:  // PINGREQ → PINGRESP
                self.reply(client, [0xD0, 0x00])
            case 14:  // DISCONNECT
                return
            default:
                continue
            }
        }
    }

    private func reply(_ client: Int32, _ bytes: [UInt8]) {
        self.state.withLock { _ in
            _ = bytes.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
    }

    private static func parsePublish(header: UInt8, body: [UInt8], connection: Int) -> Publish? {
        guard header & 0x06 == 0x02, body.count >= 4 else { return nil }  // QoS 1 only
        let topicLength = Int(body[0]) << 8 | Int(body[1])
        guard body.count >= 2 + topicLength + 2 else { return nil }
        let topic = String(decoding: body[2..<(2 + topicLength)], as: UTF8.self)
        let packetID = UInt16(body[2 + topicLength]) << 8 | UInt16(body[3 + topicLength])
        // The payload of an event is its canonical JSON, which starts with its seq: {"v":1,"seq":N,...
        let text = String(decoding: body[(4 + topicLength)...], as: UTF8.self)
        var seq: Int64?
        if GatewayTopic(topic: topic)?.kind == .events, let range = text.range(of: "\"seq\":") {
            seq = Int64(text[range.upperBound...].prefix { $0.isNumber })
        }
        return Publish(connection: connection, packetID: packetID, topic: topic, seq: seq)
    }
}

/// Reads whole MQTT packets (fixed header byte + body) from a blocking socket.
private struct PacketReader {
    let fd: Int32
    private var buffer: [UInt8] = []

    init(fd: Int32) {
        self.fd = fd
    }

    mutating func next() -> (UInt8, [UInt8])? {
        while true {
            if let packet = self.parse() { return packet }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = chunk.withUnsafeMutableBytes { recv(self.fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return nil }
            self.buffer.append(contentsOf: chunk[0..<count])
        }
    }

    private mutating func parse() -> (UInt8, [UInt8])? {
        guard self.buffer.count >= 2 else { return nil }
        var length = 0
        var multiplier = 1
        var index = 1
        while true {
            guard index < self.buffer.count else { return nil }
            let byte = self.buffer[index]
            length += Int(byte & 0x7F) * multiplier
            multiplier *= 128
            index += 1
            if byte & 0x80 == 0 { break }
        }
        guard self.buffer.count >= index + length else { return nil }
        let packet = (self.buffer[0], Array(self.buffer[index..<(index + length)]))
        self.buffer.removeFirst(index + length)
        return packet
    }
}
