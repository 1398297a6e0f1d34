import CMosquitto
import Synchronization

/// What libmosquitto's callbacks reach through their `void *obj`. `Unmanaged` skips Swift's Sendable checking,
/// so everything in here must be genuinely thread-safe: the continuation is Sendable and the flags are atomics.
/// The callbacks run on the loop thread; async code reads the events from the stream.
final class MQTTCallbackBox: Sendable {
    let continuation: AsyncStream<MQTTEvent>.Continuation
    let connected = Atomic<Bool>(false)

    init(continuation: AsyncStream<MQTTEvent>.Continuation) {
        self.continuation = continuation
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
        box.continuation.yield(.connected(sessionPresent: flags & 0x01 != 0))
    } else {
        let reason = String(cString: mosquitto_reason_string(reasonCode))
        box.continuation.yield(.connectFailed(reason: "broker refused the connection: \(reason) (0x\(String(reasonCode, radix: 16)))"))
    }
}

func mqttOnDisconnect(_ mosq: OpaquePointer?, _ obj: UnsafeMutableRawPointer?, _ reasonCode: Int32,
                      _ properties: OpaquePointer?) {
    guard let box = MQTTCallbackBox.from(obj) else { return }
    let wasConnected = box.connected.exchange(false, ordering: .sequentiallyConsistent)
    guard wasConnected else { return }
    box.continuation.yield(.disconnected(reason: reasonCode == 0 ? "" : String(cString: mosquitto_strerror(reasonCode))))
}

func mqttOnPublish(_ mosq: OpaquePointer?, _ obj: UnsafeMutableRawPointer?, _ messageID: Int32, _ reasonCode: Int32,
                   _ properties: OpaquePointer?) {
    MQTTCallbackBox.from(obj)?.continuation.yield(.acknowledged(messageID: messageID, reasonCode: reasonCode))
}

func mqttOnSubscribe(_ mosq: OpaquePointer?, _ obj: UnsafeMutableRawPointer?, _ messageID: Int32, _ count: Int32,
                     _ granted: UnsafePointer<Int32>?, _ properties: OpaquePointer?) {
    let qos = granted.map { Array(UnsafeBufferPointer(start: $0, count: Int(max(0, count)))) } ?? []
    MQTTCallbackBox.from(obj)?.continuation.yield(.subscribed(messageID: messageID, grantedQoS: qos))
}

func mqttOnMessage(_ mosq: OpaquePointer?, _ obj: UnsafeMutableRawPointer?, _ message: UnsafePointer<mosquitto_message>?,
                   _ properties: OpaquePointer?) {
    guard let box = MQTTCallbackBox.from(obj), let message = message?.pointee, let topic = message.topic else { return }
    var payload: [UInt8] = []
    if let bytes = message.payload, message.payloadlen > 0 {
        payload = Array(UnsafeRawBufferPointer(start: bytes, count: Int(message.payloadlen)))
    }
    box.continuation.yield(.message(topic: String(cString: topic), payload: payload, retained: message.retain))
}
