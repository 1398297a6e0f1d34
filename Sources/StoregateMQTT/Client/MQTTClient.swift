import CMosquitto
import Foundation
import Synchronization

/// One MQTT v5 connection through libmosquitto, with its own loop thread.
///
/// The thread connects, runs `mosquitto_loop`, and after a loss waits an exponential, jittered backoff before
/// reconnecting (with the same stable client id and `clean_start = false`, so the broker keeps the session).
/// Everything the broker says arrives on ``events`` in order. `publish` may be called from any thread
/// (libmosquitto runs in threaded mode and wakes the loop to write). A successful `publish` only means
/// libmosquitto has the message in RAM: the ``MQTTEvent/acknowledged(messageID:reasonCode:)`` event (PUBACK)
/// is what says the broker has it.
public final class MQTTClient: Sendable {
    /// libmosquitto's handle; its functions are thread-safe once `mosquitto_threaded_set` is on.
    nonisolated(unsafe) private let handle: OpaquePointer
    private let box: MQTTCallbackBox
    private let options: MQTTConnectionOptions
    private let stopRequested = Atomic<Bool>(false)
    private let started = Atomic<Bool>(false)
    private let loopFinished = DispatchSemaphore(value: 0)
    /// Everything the broker connection reports; finishes when the loop thread ends.
    public let events: AsyncStream<MQTTEvent>

    public init(options: MQTTConnectionOptions) throws(MQTTError) {
        guard MosquittoLibrary.initialised else {
            throw MQTTError(.configuration, "libmosquitto could not be initialised (mosquitto_lib_init failed)")
        }
        guard !options.clientID.isEmpty, options.clientID.utf8.count <= 65_535 else {
            throw MQTTError(.configuration, "MQTT client id must be 1–65535 bytes")
        }
        guard (1...65_535).contains(options.port) else {
            throw MQTTError(.configuration, "MQTT port \(options.port) is not a port (1–65535)")
        }
        let (stream, continuation) = AsyncStream<MQTTEvent>.makeStream(bufferingPolicy: .unbounded)
        self.events = stream
        self.box = MQTTCallbackBox(continuation: continuation)
        self.options = options
        // clean_start = false: a persistent session under a stable id (downlink queued while we are away).
        guard let handle = mosquitto_new(options.clientID, false, Unmanaged.passUnretained(self.box).toOpaque()) else {
            throw MQTTError(.outOfMemory, "mosquitto_new failed for client id \(options.clientID)")
        }
        self.handle = handle
        do {
            try self.configure()
        } catch {
            mosquitto_destroy(handle)
            throw error
        }
    }

    deinit {
        mosquitto_destroy(self.handle)
    }

    private func configure() throws(MQTTError) {
        let handle = self.handle
        try mosquittoCall("select MQTT v5") {
            mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5)
        }
        // Nagle would hold a PUBLISH back up to 40 ms waiting for more: latency a cashier can feel in HQ's view.
        try mosquittoCall("set TCP_NODELAY") { mosquitto_int_option(handle, MOSQ_OPT_TCP_NODELAY, 1) }
        try mosquittoCall("enable threaded mode") { mosquitto_threaded_set(handle, true) }
        mosquitto_connect_v5_callback_set(handle, mqttOnConnect)
        mosquitto_disconnect_v5_callback_set(handle, mqttOnDisconnect)
        mosquitto_publish_v5_callback_set(handle, mqttOnPublish)
        mosquitto_subscribe_v5_callback_set(handle, mqttOnSubscribe)
        mosquitto_message_v5_callback_set(handle, mqttOnMessage)
        if let username = self.options.username {
            try mosquittoCall("set username/password") { mosquitto_username_pw_set(handle, username, self.options.password) }
        }
        if let tls = self.options.tls {
            try mosquittoCall("set TLS (CA \(tls.caFile), certificate \(tls.certificateFile ?? "none"), key \(tls.keyFile ?? "none"))") {
                mosquitto_tls_set(handle, tls.caFile, nil, tls.certificateFile, tls.keyFile, nil)
            }
        }
    }

    /// True between an accepted CONNACK and the connection's loss.
    public var isConnected: Bool { self.box.connected.load(ordering: .sequentiallyConsistent) }

    /// Starts the loop thread (once).
    public func start() {
        guard !self.started.exchange(true, ordering: .sequentiallyConsistent) else { return }
        let thread = Thread { [self] in self.runLoop() }
        thread.name = "mqtt-loop"
        thread.start()
    }

    /// Queues a message. Returns its message id (1…65535, reused after wrapping: match PUBACKs while in flight
    /// only). Do not retry on ``MQTTError/Code/noConnection``: libmosquitto keeps the message queued anyway
    /// and would send it twice; call only while ``isConnected``.
    @discardableResult
    public func publish(topic: String, payload: [UInt8], qos: Int32 = 1, retain: Bool = false,
                        userProperties: [(String, String)] = []) throws(MQTTError) -> Int32 {
        var messageID: Int32 = 0
        var properties: OpaquePointer?
        defer { mosquitto_property_free_all(&properties) }
        _ = mosquitto_property_add_string(&properties, Int32(MQTT_PROP_CONTENT_TYPE.rawValue), "application/json")
        for (name, value) in userProperties {
            _ = mosquitto_property_add_string_pair(&properties, Int32(MQTT_PROP_USER_PROPERTY.rawValue), name, value)
        }
        let returnCode = payload.withUnsafeBytes { bytes in
            mosquitto_publish_v5(self.handle, &messageID, topic, Int32(bytes.count), bytes.baseAddress, qos, retain, properties)
        }
        if returnCode != Int32(MOSQ_ERR_SUCCESS.rawValue) {
            throw MQTTError(returnCode: returnCode, "publish to \(topic)")
        }
        return messageID
    }

    /// Subscribes (QoS 1 by default); the grant arrives as ``MQTTEvent/subscribed(messageID:grantedQoS:)``.
    @discardableResult
    public func subscribe(_ filter: String, qos: Int32 = 1) throws(MQTTError) -> Int32 {
        var messageID: Int32 = 0
        try mosquittoCall("subscribe to \(filter)") { mosquitto_subscribe_v5(self.handle, &messageID, filter, qos, 0, nil) }
        return messageID
    }

    /// Sends DISCONNECT (reason 0: the broker discards the will, since we said goodbye), stops the loop thread and
    /// waits for it. Unacknowledged messages stay in the outbox and are sent again by the next run.
    public func shutdown() async {
        guard self.started.load(ordering: .sequentiallyConsistent) else {
            self.box.continuation.finish()
            return
        }
        self.stopRequested.store(true, ordering: .sequentiallyConsistent)
        let finished = self.loopFinished
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                finished.wait()
                finished.signal()
                continuation.resume()
            }
        }
    }

    // MARK: - The loop thread

    private var stopping: Bool { self.stopRequested.load(ordering: .sequentiallyConsistent) }

    private func runLoop() {
        var backoff = self.options.backoff
        var needsConnect = true
        var firstAttempt = true
        var connectedAt: ContinuousClock.Instant?
        while !self.stopping {
            if needsConnect {
                if !firstAttempt {
                    self.sleepInterruptibly(milliseconds: backoff.nextDelayMilliseconds())
                    if self.stopping { break }
                }
                firstAttempt = false
                if let failure = self.connectOnce() {
                    self.box.continuation.yield(.connectFailed(reason: failure))
                    continue
                }
                needsConnect = false
            }
            let returnCode = mosquitto_loop(self.handle, 50, 1)
            // Reset the backoff only after a connection that lasted: a broker that accepts and then drops us at
            // once (mosquitto 2.0 does so after an ACL-denied publish) must not be hammered in a tight loop.
            if self.isConnected {
                if connectedAt == nil { connectedAt = .now }
                if let since = connectedAt, ContinuousClock.now - since > .seconds(2) { backoff.reset() }
            } else {
                connectedAt = nil
            }
            if returnCode != Int32(MOSQ_ERR_SUCCESS.rawValue) {
                let reason = returnCode == Int32(MOSQ_ERR_ERRNO.rawValue)
                    ? String(cString: strerror(errno)) : String(cString: mosquitto_strerror(returnCode))
                if self.box.connected.exchange(false, ordering: .sequentiallyConsistent) {
                    self.box.continuation.yield(.disconnected(reason: reason))
                } else {
                    self.box.continuation.yield(.connectFailed(reason: "connection to \(self.options.host):\(self.options.port) ended before CONNACK: \(reason) (\(returnCode))"))
                }
                needsConnect = true
            }
        }
        if self.isConnected {
            mosquitto_disconnect_v5(self.handle, 0, nil)
            for _ in 0..<20 where mosquitto_loop(self.handle, 10, 1) == Int32(MOSQ_ERR_SUCCESS.rawValue) {}
            self.box.connected.store(false, ordering: .sequentiallyConsistent)
        }
        self.box.continuation.finish()
        self.loopFinished.signal()
    }

    /// One TCP (+TLS) connect and CONNECT; nil on success, else why not.
    private func connectOnce() -> String? {
        if let will = self.options.will?() {
            let returnCode = will.payload.withUnsafeBytes { bytes in
                mosquitto_will_set_v5(self.handle, will.topic, Int32(bytes.count), bytes.baseAddress, 1, will.retain, nil)
            }
            if returnCode != Int32(MOSQ_ERR_SUCCESS.rawValue) {
                return "cannot set the will on \(will.topic): \(String(cString: mosquitto_strerror(returnCode)))"
            }
        }
        var properties: OpaquePointer?
        defer { mosquitto_property_free_all(&properties) }
        _ = mosquitto_property_add_int32(&properties, Int32(MQTT_PROP_SESSION_EXPIRY_INTERVAL.rawValue),
                                         self.options.sessionExpirySeconds)
        let returnCode = mosquitto_connect_bind_v5(self.handle, self.options.host, Int32(self.options.port),
                                                   Int32(self.options.keepAliveSeconds), nil, properties)
        guard returnCode == Int32(MOSQ_ERR_SUCCESS.rawValue) else {
            let detail = returnCode == Int32(MOSQ_ERR_ERRNO.rawValue)
                ? String(cString: strerror(errno)) : String(cString: mosquitto_strerror(returnCode))
            return "cannot connect to \(self.options.host):\(self.options.port): \(detail)"
        }
        return nil
    }

    private func sleepInterruptibly(milliseconds: Int) {
        var left = milliseconds
        while left > 0 && !self.stopping {
            let slice = min(left, 50)
            usleep(UInt32(slice) * 1000)
            left -= slice
        }
    }
}
