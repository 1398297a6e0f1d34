/// `mqtt://host:port` or `mqtts://host:port` (ports default to 1883 and 8883): the one reading of a broker URL, for
/// the daemon's `mqtt.url`, `--broker` of `run`/`doctor` and of the `hq` commands.
public struct BrokerAddress: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var tls: Bool

    public init?(url: String) {
        let tls: Bool
        let rest: Substring
        if url.hasPrefix("mqtts://") {
            tls = true
            rest = url.dropFirst(8)
        } else if url.hasPrefix("mqtt://") {
            tls = false
            rest = url.dropFirst(7)
        } else {
            return nil
        }
        let hostPort = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let parts = hostPort.split(separator: ":", omittingEmptySubsequences: false)
        guard let host = parts.first, !host.isEmpty, parts.count <= 2 else { return nil }
        var port = tls ? 8883 : 1883
        if parts.count == 2 {
            guard let value = Int(parts[1]), (1...65_535).contains(value) else { return nil }
            port = value
        }
        self.host = String(host)
        self.port = port
        self.tls = tls
    }

    /// What a broker URL must look like, for error messages.
    public static let expectedForm = "mqtt://HOST:PORT or mqtts://HOST:PORT"

    public var description: String { "\(self.tls ? "mqtts" : "mqtt")://\(self.host):\(self.port)" }
}

extension MQTTConnectionOptions {
    /// How to reach `broker`: TLS (with the system CA bundle unless `caFile` names one) exactly when the URL says
    /// `mqtts://`. The one place broker settings become connection options, for the daemon, the doctor and `hq`.
    public init(broker: BrokerAddress, clientID: String, caFile: String? = nil, certificateFile: String? = nil,
                keyFile: String? = nil, keepAliveSeconds: Int = 30, sessionExpirySeconds: UInt32 = 7 * 86_400,
                username: String? = nil, password: String? = nil, backoff: ReconnectBackoff = ReconnectBackoff(),
                will: (@Sendable () -> MQTTWill?)? = nil) {
        self.init(
            host: broker.host, port: broker.port, clientID: clientID, keepAliveSeconds: keepAliveSeconds,
            sessionExpirySeconds: sessionExpirySeconds, username: username, password: password,
            tls: broker.tls ? MQTTTLSOptions(caFile: caFile ?? MQTTTLSOptions.systemCABundle, certificateFile: certificateFile,
                                             keyFile: keyFile) : nil,
            backoff: backoff, will: will)
    }
}
