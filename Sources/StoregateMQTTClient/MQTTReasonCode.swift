import CMosquitto

/// MQTT v5 reason codes in words.
public enum MQTTReasonCode {
    /// "Not authorized (0x87)".
    public static func describe(_ code: Int32) -> String {
        "\(String(cString: mosquitto_reason_string(code))) (0x\(String(code, radix: 16)))"
    }
}
