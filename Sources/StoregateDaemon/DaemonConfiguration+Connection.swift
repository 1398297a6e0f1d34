public import StoregateMQTTClient

extension DaemonConfiguration {
    /// How to reach `broker` with the configured credentials, TLS files, keep-alive and backoff, as `clientID`.
    ///
    /// The daemon passes its stable client id and session expiry; `storegate doctor` a throwaway id and expiry 0, so
    /// a check never takes over (or leaves behind) the daemon's persistent session.
    public func connectionOptions(to broker: BrokerAddress, clientID: String, sessionExpirySeconds: UInt32,
                                  will: (@Sendable () -> MQTTWill?)? = nil) -> MQTTConnectionOptions {
        MQTTConnectionOptions(
            broker: broker, clientID: clientID, caFile: self.caFile, certificateFile: self.certificateFile,
            keyFile: self.keyFile, keepAliveSeconds: self.keepAliveSeconds, sessionExpirySeconds: sessionExpirySeconds,
            username: self.username, password: self.password,
            backoff: ReconnectBackoff(initialMilliseconds: self.reconnectMinimumMilliseconds,
                                      maximumMilliseconds: self.reconnectMaximumMilliseconds),
            will: will)
    }
}
