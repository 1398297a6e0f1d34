import StoregateMQTTClient

extension HQConfiguration.MQTT {
    /// The connection of one instance: a persistent session under its own client id (events queued for it while
    /// it is away are delivered when it is back), MQTT v5 for shared subscriptions.
    func connectionOptions(clientID: String? = nil) throws(HQError) -> MQTTConnectionOptions {
        guard let address = BrokerAddress(url: self.url) else {
            throw HQError("mqtt.url: \(self.url) is not mqtt://HOST:PORT or mqtts://HOST:PORT")
        }
        return MQTTConnectionOptions(
            host: address.host, port: address.port, clientID: clientID ?? self.clientID, keepAliveSeconds: 30,
            sessionExpirySeconds: UInt32(self.sessionExpirySeconds), username: self.username, password: self.password,
            tls: address.tls ? MQTTTLSOptions(caFile: self.caFile ?? MQTTTLSOptions.systemCABundle,
                                              certificateFile: self.certificateFile, keyFile: self.keyFile) : nil,
            backoff: ReconnectBackoff(initialMilliseconds: 100, maximumMilliseconds: 5_000))
    }
}

/// Why storegate-hq cannot do what it was asked: what was wrong, in the operator's words.
public struct HQError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
