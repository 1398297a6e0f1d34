import StoregateMQTTClient

extension HQConfiguration.MQTT {
    /// The connection of one instance: a persistent session under its own client id (events queued for it while
    /// it is away are delivered when it is back), MQTT v5 for shared subscriptions.
    func connectionOptions(clientID: String? = nil) throws(HQError) -> MQTTConnectionOptions {
        guard let address = BrokerAddress(url: self.url) else {
            throw HQError("mqtt.url: \(self.url) is not \(BrokerAddress.expectedForm)")
        }
        return MQTTConnectionOptions(
            broker: address, clientID: clientID ?? self.clientID, caFile: self.caFile, certificateFile: self.certificateFile,
            keyFile: self.keyFile, sessionExpirySeconds: UInt32(self.sessionExpirySeconds), username: self.username,
            password: self.password, backoff: ReconnectBackoff(initialMilliseconds: 100, maximumMilliseconds: 5_000))
    }
}

/// Why storegate-hq cannot do what it was asked: what was wrong, in the operator's words.
public struct HQError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
