import CMosquitto

/// A libmosquitto call that failed, or a broker that refused: a code to match on and a message saying what to do.
public struct MQTTError: Error, Sendable, Equatable, CustomStringConvertible {
    /// libmosquitto's `mosq_err_t`, or an MQTT v5 reason code for ``refused``-kind errors.
    public struct Code: RawRepresentable, Sendable, Hashable {
        public var rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }

        public static let noConnection = Code(rawValue: Int32(MOSQ_ERR_NO_CONN.rawValue))
        public static let connectionLost = Code(rawValue: Int32(MOSQ_ERR_CONN_LOST.rawValue))
        public static let invalidArgument = Code(rawValue: Int32(MOSQ_ERR_INVAL.rawValue))
        public static let outOfMemory = Code(rawValue: Int32(MOSQ_ERR_NOMEM.rawValue))
        public static let payloadTooLarge = Code(rawValue: Int32(MOSQ_ERR_PAYLOAD_SIZE.rawValue))
        public static let tls = Code(rawValue: Int32(MOSQ_ERR_TLS.rawValue))
        public static let errno = Code(rawValue: Int32(MOSQ_ERR_ERRNO.rawValue))
        /// Not a libmosquitto code: the wrapper's own (bad options).
        public static let configuration = Code(rawValue: -1000)

        public static func ~= (pattern: Code, error: any Error) -> Bool {
            (error as? MQTTError)?.code == pattern
        }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Wraps a libmosquitto return code: `what` names the call ("publish to storegate/v1/S1/…/events").
    init(returnCode: Int32, _ what: String) {
        let text = String(cString: mosquitto_strerror(returnCode))
        self.init(Code(rawValue: returnCode), "\(what): \(text)")
    }

    public var description: String { self.message }
}

/// Runs a libmosquitto call and turns a non-success return code into an ``MQTTError``; interrupted system calls
/// are retried, since libmosquitto reports them as `MOSQ_ERR_ERRNO` with `errno == EINTR`.
@inline(__always)
func mosquittoCall(_ what: @autoclosure () -> String, _ body: () -> Int32) throws(MQTTError) {
    while true {
        let returnCode = body()
        if returnCode == Int32(MOSQ_ERR_SUCCESS.rawValue) { return }
        if returnCode == Int32(MOSQ_ERR_ERRNO.rawValue) && errnoIsInterrupted() { continue }
        throw MQTTError(returnCode: returnCode, what())
    }
}
