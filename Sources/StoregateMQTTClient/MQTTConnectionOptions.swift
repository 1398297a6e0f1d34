/// TLS material for a `mqtts://` connection: the CA that signs the broker's certificate, and optionally this
/// gateway's client certificate and key.
public struct MQTTTLSOptions: Sendable, Equatable {
    /// What `mqtts://` trusts when no CA file is given: Debian's bundle of the system's CAs.
    public static let systemCABundle = "/etc/ssl/certs/ca-certificates.crt"

    public var caFile: String
    public var certificateFile: String?
    public var keyFile: String?

    public init(caFile: String = MQTTTLSOptions.systemCABundle, certificateFile: String? = nil, keyFile: String? = nil) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }
}

/// A message the broker publishes for us if we vanish without DISCONNECT (MQTT's Last Will).
public struct MQTTWill: Sendable, Equatable {
    public var topic: String
    public var payload: [UInt8]
    public var retain: Bool

    public init(topic: String, payload: [UInt8], retain: Bool) {
        self.topic = topic
        self.payload = payload
        self.retain = retain
    }
}

/// Everything needed to connect: where, who, how securely, and how to come back after a loss.
public struct MQTTConnectionOptions: Sendable {
    public var host: String
    public var port: Int
    /// Stable across restarts: the broker keeps the persistent session (subscriptions, queued downlink) under it.
    public var clientID: String
    public var keepAliveSeconds: Int
    /// How long the broker keeps the session after a disconnect (MQTT v5 Session Expiry Interval).
    public var sessionExpirySeconds: UInt32
    public var username: String?
    public var password: String?
    public var tls: MQTTTLSOptions?
    public var backoff: ReconnectBackoff
    /// Asked on the loop thread before every connect, so the will can carry fresh figures (backlog, version).
    public var will: (@Sendable () -> MQTTWill?)?
    /// The largest packet this client accepts (MQTT v5 Maximum Packet Size, sent on CONNECT): the broker drops a
    /// bigger message for us rather than sending it, so no publish can make the client allocate without bound.
    /// 16 MiB: above HQ's largest downlink message (a code batch is split well below it).
    public var maximumPacketSize: UInt32 = 16 << 20

    public init(
        host: String, port: Int, clientID: String, keepAliveSeconds: Int = 30, sessionExpirySeconds: UInt32 = 7 * 86_400,
        username: String? = nil, password: String? = nil, tls: MQTTTLSOptions? = nil,
        backoff: ReconnectBackoff = ReconnectBackoff(), will: (@Sendable () -> MQTTWill?)? = nil
    ) {
        self.host = host
        self.port = port
        self.clientID = clientID
        self.keepAliveSeconds = keepAliveSeconds
        self.sessionExpirySeconds = sessionExpirySeconds
        self.username = username
        self.password = password
        self.tls = tls
        self.backoff = backoff
        self.will = will
    }
}
