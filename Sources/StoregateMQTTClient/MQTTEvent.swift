/// What the broker connection reports, in the order libmosquitto's loop thread saw it.
public enum MQTTEvent: Sendable, Equatable {
    /// CONNACK accepted; `sessionPresent` when the broker still had our persistent session.
    case connected(sessionPresent: Bool)
    /// CONNACK refused, or the TCP/TLS connection could not be made; the loop retries after a backoff.
    case connectFailed(reason: String)
    /// The connection ended (`reason` empty for our own DISCONNECT).
    case disconnected(reason: String)
    /// The broker acknowledged a QoS 1 publish (PUBACK). `reasonCode >= 0x80` means it refused it (MQTT v5,
    /// e.g. 0x87 not authorised): the message is NOT delivered.
    case acknowledged(messageID: Int32, reasonCode: Int32)
    case subscribed(messageID: Int32, grantedQoS: [Int32])
    /// A message on a subscribed topic; topic and payload are copies owned by Swift.
    case message(topic: String, payload: [UInt8], retained: Bool)
}

extension MQTTEvent {
    /// MQTT v5 reason codes from 0x80 on are failures.
    public static func isRefusal(_ reasonCode: Int32) -> Bool { reasonCode >= 0x80 }
}
