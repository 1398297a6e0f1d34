import CMosquitto
import Foundation
import Synchronization

/// One MQTT v5 connection through libmosquitto, driven by its own loop thread.
///
/// The thread connects, waits on the socket with `poll` and runs libmosquitto's read, write and keep-alive steps
/// itself; after a loss it waits an exponential, jittered backoff before reconnecting (with the same stable
/// client id and `clean_start = false`, so the broker keeps the session).
///
/// Everything the broker says is reported in order, on the loop thread: to a ``MQTTLoopDriver`` when one is
/// set before ``start()`` (the HQ link: it handles PUBACKs and publishes the next events right there, with no
/// thread hop per message), otherwise on ``events``. `publish` and `subscribe` may also be called from other
/// threads (libmosquitto runs in threaded mode; the loop is woken to write). A successful `publish` only means
/// libmosquitto has the message in RAM: the ``MQTTEvent/acknowledged(messageID:reasonCode:)`` event (PUBACK)
/// is what says the broker has it.
public final class MQTTClient: Sendable {
    /// libmosquitto's handle; its functions are thread-safe once `mosquitto_threaded_set` is on.
    nonisolated(unsafe) private let handle: OpaquePointer
    private let box: MQTTCallbackBox
    private let options: MQTTConnectionOptions
    private let wakeUp: LoopWakeUp
    private let stopRequested = Atomic<Bool>(false)
    private let started = Atomic<Bool>(false)
    /// When the loop thread last went round (`DispatchTime` uptime nanoseconds), 0 before it runs; and whether it is
    /// inside a connect attempt (which the kernel's TCP timeout bounds, and which may rightly take long).
    private let lastTurn = Atomic<UInt64>(0)
    private let connecting = Atomic<Bool>(false)
    /// Whether the loop thread has ended, and who waits for it to (resumed by the loop thread as it ends).
    private let loopEnd = Mutex<(ended: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))
    /// Everything the broker connection reports when no driver is set; finishes when the loop thread ends.
    public let events: AsyncStream<MQTTEvent>

    /// How long the loop waits for the socket before giving the driver its turn anyway (its timers).
    static let passMilliseconds: Int32 = 20

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
        self.wakeUp = try LoopWakeUp()
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
        // Threaded mode: a publish from another thread only queues the packet and the loop thread writes it. It also
        // holds back the PUBACK of a received message until the loop's next write, after the message callback has
        // returned; without it libmosquitto 2.0.11 writes the PUBACK before the callback, and a downlink message
        // the gateway is killed applying is lost (DownlinkCrashTests).
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

    /// How long ago the loop thread last went round, for the watchdog: nil before it runs, after it ended, and
    /// while it waits on a connect attempt. A loop that goes round at least every ``passMilliseconds`` and is stuck
    /// for seconds is blocked in its driver (a ledger write) or in libmosquitto.
    public var sinceLastLoopTurn: Duration? {
        let last = self.lastTurn.load(ordering: .sequentiallyConsistent)
        guard last > 0, !self.connecting.load(ordering: .sequentiallyConsistent) else { return nil }
        return .nanoseconds(Int64(DispatchTime.now().uptimeNanoseconds &- last))
    }

    /// Starts the loop thread (once). With a `driver`, every event goes to it on the loop thread instead of to
    /// ``events``, and it gets a turn after every pass of the loop.
    public func start(driver: (any MQTTLoopDriver)? = nil) {
        guard !self.started.exchange(true, ordering: .sequentiallyConsistent) else { return }
        self.box.driver = driver
        let thread = Thread { [self] in self.runLoop() }
        thread.name = "mqtt-loop"
        thread.start()
    }

    /// How many QoS 1 messages libmosquitto may have on the wire unacknowledged (its "send maximum", 20 unless
    /// set; a smaller Receive Maximum in the broker's CONNACK wins). Call before ``start(driver:)``.
    public func limitInflight(to count: Int) throws(MQTTError) {
        let handle = self.handle
        try mosquittoCall("set the send maximum to \(count)") {
            mosquitto_int_option(handle, MOSQ_OPT_SEND_MAXIMUM, Int32(min(max(count, 1), 65_535)))
        }
    }

    /// Makes the loop thread give its driver a turn now (e.g. new outbox events), instead of at the next timeout.
    public func wake() {
        self.wakeUp.signal()
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
        self.wakeUp.signal()
        if returnCode != Int32(MOSQ_ERR_SUCCESS.rawValue) {
            throw MQTTError(returnCode: returnCode, "publish to \(topic)")
        }
        return messageID
    }

    /// Publishes one outbox event (QoS 1): the payload's UTF-8 is handed to libmosquitto without an intermediate
    /// copy, with the Content Type and the `seq` and `op` user properties. The uplink's hot path: call it on the
    /// loop thread (from the driver), where the loop writes it right after the driver's turn without a wake-up;
    /// otherwise the same rules as ``publish(topic:payload:qos:retain:userProperties:)``.
    public func publishEvent(topic: String, payload: String, seq: Int64, operation: String) throws(MQTTError) -> Int32 {
        var messageID: Int32 = 0
        var properties: OpaquePointer?
        defer { mosquitto_property_free_all(&properties) }
        _ = mosquitto_property_add_string(&properties, Int32(MQTT_PROP_CONTENT_TYPE.rawValue), "application/json")
        _ = mosquitto_property_add_string_pair(&properties, Int32(MQTT_PROP_USER_PROPERTY.rawValue), "seq", String(seq))
        _ = mosquitto_property_add_string_pair(&properties, Int32(MQTT_PROP_USER_PROPERTY.rawValue), "op", operation)
        var payload = payload
        let returnCode = payload.withUTF8 { bytes in
            mosquitto_publish_v5(self.handle, &messageID, topic, Int32(bytes.count), bytes.baseAddress, 1, false, properties)
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
        self.wakeUp.signal()
        return messageID
    }

    /// Ends the connection at once, without writing anything more to it: the PUBACK libmosquitto queued for the
    /// message being handled is never sent, so the broker keeps that message in the session and delivers it again
    /// after the reconnect (with the usual backoff). Call it on the loop thread, from the handling of a `.message`
    /// event, for a message that could not be processed now but may be later. The broker publishes the will, as
    /// for any connection lost.
    public func dropConnectionWithoutAcknowledging() {
        let socket = mosquitto_socket(self.handle)
        guard socket >= 0 else { return }
        // shutdown, not close: libmosquitto still owns the descriptor and closes it when it sees the connection end.
        _ = Glibc.shutdown(socket, Int32(SHUT_RDWR))
    }

    /// Asks the loop thread to send DISCONNECT (reason 0: the broker discards the will, since we said goodbye)
    /// and end; returns at once. Unacknowledged messages stay in the outbox and are sent again by the next run.
    public func stop() {
        self.stopRequested.store(true, ordering: .sequentiallyConsistent)
        self.wakeUp.signal()
    }

    /// ``stop()``, then waits for the loop thread to end.
    public func shutdown() async {
        self.stop()
        await self.waitUntilStopped()
    }

    /// Returns when the loop thread has ended (at once if it never started).
    public func waitUntilStopped() async {
        guard self.started.load(ordering: .sequentiallyConsistent) else {
            self.box.continuation.finish()
            return
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ended = self.loopEnd.withLock { end -> Bool in
                if !end.ended { end.waiters.append(continuation) }
                return end.ended
            }
            if ended { continuation.resume() }
        }
    }

    // MARK: - The loop thread

    private var stopping: Bool { self.stopRequested.load(ordering: .sequentiallyConsistent) }

    private func runLoop() {
        var backoff = self.options.backoff
        var nextConnect: ContinuousClock.Instant? = .now
        var connectedAt: ContinuousClock.Instant?
        /// CONNACKs seen when the current connection attempt started.
        var connacksAtConnect = 0
        defer { self.lastTurn.store(0, ordering: .sequentiallyConsistent) }
        while !self.stopping {
            self.lastTurn.store(DispatchTime.now().uptimeNanoseconds, ordering: .sequentiallyConsistent)
            if let due = nextConnect, ContinuousClock.now >= due {
                connacksAtConnect = self.box.connacks.load(ordering: .sequentiallyConsistent)
                // libmosquitto's log is the only place a TLS failure's reason is; it is read until the CONNACK only,
                // because with a log callback set libmosquitto formats a line (malloc + vsnprintf under a mutex) for
                // every packet: twice per event on a drain.
                mosquitto_log_callback_set(self.handle, mqttOnLog)
                self.connecting.store(true, ordering: .sequentiallyConsistent)
                let failure = self.connectOnce()
                self.connecting.store(false, ordering: .sequentiallyConsistent)
                self.lastTurn.store(DispatchTime.now().uptimeNanoseconds, ordering: .sequentiallyConsistent)
                if let failure {
                    self.box.emit(.connectFailed(reason: failure))
                    nextConnect = .now + .milliseconds(backoff.nextDelayMilliseconds())
                } else {
                    nextConnect = nil
                }
            }
            let returnCode = nextConnect == nil ? self.pass() : self.idle(until: nextConnect)
            // Reset the backoff only after a connection that lasted: a broker that accepts and then drops us at
            // once (mosquitto 2.0 does so after an ACL-denied publish) must not be hammered in a tight loop.
            if self.isConnected {
                if connectedAt == nil {
                    connectedAt = .now
                    mosquitto_log_callback_set(self.handle, nil)
                    self.box.libraryError.withLock { $0 = nil }
                }
                if let since = connectedAt, ContinuousClock.now - since > .seconds(2) { backoff.reset() }
            } else {
                connectedAt = nil
            }
            if returnCode != Int32(MOSQ_ERR_SUCCESS.rawValue) {
                let reason = returnCode == Int32(MOSQ_ERR_ERRNO.rawValue)
                    ? String(cString: strerror(errno)) : String(cString: mosquitto_strerror(returnCode))
                if self.box.connected.exchange(false, ordering: .sequentiallyConsistent) {
                    self.box.emit(.disconnected(reason: reason))
                } else if self.box.connacks.load(ordering: .sequentiallyConsistent) != connacksAtConnect {
                    // The connection was up; `on_disconnect` has already reported its end.
                } else {
                    self.box.emit(.connectFailed(reason: "connection to \(self.options.host):\(self.options.port) ended before CONNACK: "
                        + "\(reason) (\(returnCode))" + self.tlsDetail()))
                }
                nextConnect = .now + .milliseconds(backoff.nextDelayMilliseconds())
            }
        }
        if self.isConnected {
            mosquitto_disconnect_v5(self.handle, 0, nil)
            for _ in 0..<20 where mosquitto_socket(self.handle) >= 0 {
                if self.pass(timeoutMilliseconds: 10) != Int32(MOSQ_ERR_SUCCESS.rawValue) { break }
            }
            self.box.connected.store(false, ordering: .sequentiallyConsistent)
        }
        self.box.continuation.finish()
        // The driver (the HQ link's uplink) holds this client: dropping it here, where the loop thread is the only
        // reader, breaks client → box → driver → client, so the client is deinitialised and `mosquitto_destroy` runs.
        self.box.driver = nil
        let waiters = self.loopEnd.withLock { end -> [CheckedContinuation<Void, Never>] in
            end.ended = true
            defer { end.waiters.removeAll() }
            return end.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// One pass over a connection: wait for the socket (or a wake-up), read and handle what arrived, give the
    /// driver its turn, then write everything queued (what libmosquitto released on the PUBACKs and what the driver
    /// published) and do libmosquitto's keep-alive work.
    private func pass(timeoutMilliseconds: Int32 = MQTTClient.passMilliseconds) -> Int32 {
        let socket = mosquitto_socket(self.handle)
        guard socket >= 0 else { return Int32(MOSQ_ERR_NO_CONN.rawValue) }
        // A tuple, not an array: no allocation per pass (a drain makes about one pass per PUBACK).
        var fds = (
            pollfd(fd: socket, events: Int16(POLLIN) | (mosquitto_want_write(self.handle) ? Int16(POLLOUT) : 0), revents: 0),
            pollfd(fd: self.wakeUp.readEnd, events: Int16(POLLIN), revents: 0)
        )
        let ready = withUnsafeMutableBytes(of: &fds) { poll($0.baseAddress?.assumingMemoryBound(to: pollfd.self), 2, timeoutMilliseconds) }
        if ready > 0 {
            if fds.1.revents != 0 { self.wakeUp.consume() }
            if fds.0.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                // libmosquitto writes each PUBACK as it reads the message: corked, the acknowledgements of one pass
                // leave in one segment when the pass ends, not one segment (and one wake-up of the broker) each.
                Self.cork(socket, true)
                let returnCode = self.readWaitingPackets(socket: socket)
                guard returnCode == Int32(MOSQ_ERR_SUCCESS.rawValue) else {
                    Self.cork(socket, false)
                    return returnCode
                }
            }
        }
        self.box.driver?.loopPassed()
        if mosquitto_want_write(self.handle) {
            let returnCode = mosquitto_loop_write(self.handle, 1)
            guard returnCode == Int32(MOSQ_ERR_SUCCESS.rawValue) else {
                Self.cork(socket, false)
                return returnCode
            }
        }
        Self.cork(socket, false)
        return mosquitto_loop_misc(self.handle)
    }

    /// Reads and handles the packets waiting on the socket, up to `maxPacketsPerPass`. `mosquitto_loop_read`
    /// means to read until the socket is empty, but it stops as soon as `errno` says EAGAIN — and libmosquitto
    /// leaves it so after almost every packet (its own wake-up write fails with EAGAIN whenever a PUBACK lets it
    /// send a queued message). Without this a drain made a whole pass of the loop per PUBACK.
    private func readWaitingPackets(socket: Int32) -> Int32 {
        var returnCode = Int32(MOSQ_ERR_SUCCESS.rawValue)
        for _ in 0..<Self.maxPacketsPerPass {
            returnCode = mosquitto_loop_read(self.handle, 1)
            var waiting: Int32 = 0
            guard returnCode == Int32(MOSQ_ERR_SUCCESS.rawValue), ioctl(socket, UInt(FIONREAD), &waiting) == 0, waiting > 0
            else { break }
        }
        return returnCode
    }

    private static func cork(_ socket: Int32, _ on: Bool) {
        var value: Int32 = on ? 1 : 0
        _ = setsockopt(socket, Int32(IPPROTO_TCP), TCP_CORK, &value, socklen_t(MemoryLayout<Int32>.size))
    }

    /// A bound on the packets read in one pass, so the driver gets its turn (and publishes) in a long burst.
    static let maxPacketsPerPass = 64

    /// Between connection attempts: wait for a wake-up or a timeout and give the driver its turn.
    private func idle(until due: ContinuousClock.Instant?) -> Int32 {
        let left = due.map { ContinuousClock.now.duration(to: $0) } ?? .zero
        let milliseconds = max(0, min(Int64(MQTTClient.passMilliseconds), left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
        var fds = [pollfd(fd: self.wakeUp.readEnd, events: Int16(POLLIN), revents: 0)]
        if poll(&fds, 1, Int32(milliseconds)) > 0 { self.wakeUp.consume() }
        self.box.driver?.loopPassed()
        return Int32(MOSQ_ERR_SUCCESS.rawValue)
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
        _ = mosquitto_property_add_int32(&properties, Int32(MQTT_PROP_MAXIMUM_PACKET_SIZE.rawValue),
                                         self.options.maximumPacketSize)
        let returnCode = mosquitto_connect_bind_v5(self.handle, self.options.host, Int32(self.options.port),
                                                   Int32(self.options.keepAliveSeconds), nil, properties)
        guard returnCode == Int32(MOSQ_ERR_SUCCESS.rawValue) else {
            let detail = returnCode == Int32(MOSQ_ERR_ERRNO.rawValue)
                ? String(cString: strerror(errno)) : String(cString: mosquitto_strerror(returnCode))
            return "cannot connect to \(self.options.host):\(self.options.port): \(detail)" + self.tlsDetail()
        }
        return nil
    }

    /// After a TLS failure, OpenSSL's reason as libmosquitto logged it (`mosquitto_strerror` only says "A TLS error
    /// occurred", or the errno of the read the broker's alert ended): `: certificate verify failed`,
    /// `: sslv3 alert certificate expired`, …; empty when nothing TLS went wrong.
    private func tlsDetail() -> String {
        let line = self.box.libraryError.withLock { line in
            defer { line = nil }
            return line
        }
        guard let line, line.hasPrefix("OpenSSL Error"), let reason = line.split(separator: ":").last else { return "" }
        return ": " + reason.trimmingCharacters(in: .whitespaces)
    }
}

/// The code that runs the HQ link on the client's loop thread. Both methods are called only on that thread, one
/// at a time, so a driver may keep its state without locks (it must not be used from anywhere else).
public protocol MQTTLoopDriver: AnyObject, Sendable {
    /// Every event, in the order libmosquitto reported it.
    func handle(_ event: MQTTEvent)
    /// After each pass of the loop: what arrived has been handled; what the driver publishes now is written
    /// before the loop waits again. Called at least every ``MQTTClient/passMilliseconds``, connected or not.
    func loopPassed()
}
