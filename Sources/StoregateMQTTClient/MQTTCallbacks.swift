import CMosquitto
import Synchronization

/// What libmosquitto's callbacks reach through their `void *obj`. `Unmanaged` skips Swift's Sendable checking,
/// so everything in here must be genuinely thread-safe: the continuation is Sendable, the flag is an atomic and
/// the driver is written once before the loop thread starts. The callbacks run on the loop thread.
final class MQTTCallbackBox: Sendable {
    let continuation: AsyncStream<MQTTEvent>.Continuation
    let connected = Atomic<Bool>(false)
    /// Successful CONNACKs so far: tells a connection that was up (and whose loss `on_disconnect` reported) from
    /// one that ended before its CONNACK.
    let connacks = Atomic<Int>(0)
    /// When set, events go to it (synchronously, on the loop thread) instead of the stream. Written by
    /// ``MQTTClient/start(driver:)`` before the loop thread exists, then only read on that thread, which also clears
    /// it when it ends: no lock per event.
    nonisolated(unsafe) var driver: (any MQTTLoopDriver)?
    /// libmosquitto's latest error-level log line since it was last taken: the only place it says why a TLS
    /// handshake failed (OpenSSL's reason: `certificate verify failed`, `alert certificate expired`, …).
    let libraryError = Mutex<String?>(nil)

    init(continuation: AsyncStream<MQTTEvent>.Continuation) {
        self.continuation = continuation
    }

    func emit(_ event: MQTTEvent) {
        if let driver = self.driver {
            driver.handle(event)
        } else {
            self.continuation.yield(event)
        }
    }

    static func from(_ pointer: UnsafeMutableRawPointer?) -> MQTTCallbackBox? {
        guard let pointer else { return nil }
        return Unmanaged<MQTTCallbackBox>.fromOpaque(pointer).takeUnretainedValue()
    }
}

// Top-level, nonisolated functions: a closure written inside an actor-isolated method would be inferred
// isolated and trap when libmosquitto calls it on its own thread (FACTS.md). Each copies what it needs before
// returning, because libmosquitto frees topic, payload and properties right after.

func mqttOnConnect(_ mosq: OpaquePointer?, _ obj: UnsafeMutableRawPointer?, _ reasonCode: Int32, _ flags: Int32,
                   _ properties: OpaquePointer?) {
    guard let box = MQTTCallbackBox.from(obj) else { return }
    if reasonCode == 0 {
        box.connected.store(true, ordering: .sequentiallyConsistent)
        box.connacks.add(1, ordering: .sequentiallyConsistent)
        box.emit(.connected(sessionPresent: flags & 0x01 != 0))
    } else {
        let reason = String(cString: mosquitto_reason_string(reasonCode))
        box.emit(.connectFailed(reason: "broker refused the connection: \(reason) (0x\(String(reasonCode, radix: 16)))"))
    }
}

func mqttOnLog(_ mosq: OpaquePointer?, _ obj: UnsafeMutableRawPointer?, _ level: Int32, _ text: UnsafePointer<CChar>?) {
    guard level == MOSQ_LOG_ERR, let box = MQTTCallbackBox.from(obj), let text else { return }
    let line = String(cString: text)
    box.libraryError.withLock { $0 = line }
}

func mqttOnDisconnect(_ mosq: OpaquePointer?, _ obj: UnsafeMutableRawPointer?, _ reasonCode: Int32,
                      _ properties: OpaquePointer?) {
    guard let box = MQTTCallbackBox.from(obj) else { return }
    let wasConnected = box.connected.exchange(false, ordering: .sequentiallyConsistent)
    guard wasConnected else { return }
    box.emit(.disconnected(reason: reasonCode == 0 ? "" : String(cString: mosquitto_strerror(reasonCode))))
}

func mqttOnPublish(_ mosq: OpaquePointer?, _ obj: UnsafeMutableRawPointer?, _ messageID: Int32, _ reasonCode: Int32,
                   _ properties: OpaquePointer?) {
    MQTTCallbackBox.from(obj)?.emit(.acknowledged(messageID: messageID, reasonCode: reasonCode))
}

func mqttOnSubscribe(_ mosq: OpaquePointer?, _ obj: UnsafeMutableRawPointer?, _ messageID: Int32, _ count: Int32,
                     _ granted: UnsafePointer<Int32>?, _ properties: OpaquePointer?) {
    let qos = granted.map { Array(UnsafeBufferPointer(start: $0, count: Int(max(0, count)))) } ?? []
    MQTTCallbackBox.from(obj)?.emit(.subscribed(messageID: messageID, grantedQoS: qos))
}

func mqttOnMessage(_ mosq: OpaquePointer?, _ obj: UnsafeMutableRawPointer?, _ message: UnsafePointer<mosquitto_message>?,
                   _ properties: OpaquePointer?) {
    guard let box = MQTTCallbackBox.from(obj), let message = message?.pointee, let topic = message.topic else { return }
    var payload: [UInt8] = []
    if let bytes = message.payload, message.payloadlen > 0 {
        payload = Array(UnsafeRawBufferPointer(start: bytes, count: Int(message.payloadlen)))
    }
    box.emit(.message(topic: String(cString: topic), payload: payload, retained: message.retain))
}
