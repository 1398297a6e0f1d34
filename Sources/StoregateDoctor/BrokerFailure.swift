import Foundation

/// What the MQTT client reported about a failed connection, in the technician's terms: which kind of failure (name
/// lookup, TCP refused, TLS, a CONNACK refusal) and what to change.
struct BrokerFailure: Sendable, Equatable {
    var summary: String
    var fix: String

    /// One kind of failure: the words of the client's reason that give it away, what to say and what to change.
    private struct Kind: Sendable {
        var words: [String]
        /// From the target (`HOST:PORT`) and the client's reason.
        var summary: @Sendable (String, String) -> String
        var fix: String
    }

    /// In order: the first kind whose words appear in the reason wins.
    private static let kinds: [Kind] = [
        Kind(words: ["connection refused"],
             summary: { target, _ in "TCP connection to \(target) refused: nothing listens there" },
             fix: "start the broker or correct the port in mqtt.url; a firewall that rejects also answers like this"),
        Kind(words: ["lookup error", "name or service not known", "name resolution"],
             summary: { target, _ in "cannot resolve the broker's host name (\(target))" },
             fix: "check the host in mqtt.url and the box's DNS (`resolvectl status`, /etc/resolv.conf)"),
        Kind(words: ["tls", "ssl", "certificate"],
             summary: { target, reason in "TLS with \(target) failed: \(reason)" },
             fix: "check that mqtt.ca_file signs the broker's certificate, that mqtt.url's host is the name in that "
                + "certificate, that the clock is right (`timedatectl`), and mqtt.cert_file/mqtt.key_file"),
        Kind(words: ["user name or password", "(0x86)"],
             summary: { target, reason in "\(target) refused the credentials: \(reason)" },
             fix: "set mqtt.username and mqtt.password to this gateway's broker account"),
        // mosquitto answers a wrong password with 0x87 too, not only a user or certificate it does not allow.
        Kind(words: ["not authori", "(0x87)", "(0x8a)"],
             summary: { target, reason in "\(target) does not authorise this gateway: \(reason)" },
             fix: "check mqtt.username and mqtt.password (a wrong password gets this answer too); if they are right, ask "
                + "HQ to allow this user or certificate on the broker (docs/mqtt.md, \"Broker configuration\")"),
        Kind(words: ["unreachable", "no route", "timed out"],
             summary: { target, reason in "\(target) cannot be reached: \(reason)" },
             fix: "check the box's network (`ip route`, the store's router) and the broker's address in mqtt.url"),
    ]

    /// `reason` is the client's text (`cannot connect to HOST:PORT: Connection refused`, `broker refused the
    /// connection: Not authorized (0x87)`, …); `target` is `HOST:PORT`.
    static func explaining(_ reason: String, target: String) -> BrokerFailure {
        let text = reason.lowercased()
        guard let kind = Self.kinds.first(where: { $0.words.contains(where: text.contains) }) else {
            return BrokerFailure(summary: "cannot connect to \(target): \(reason)",
                                 fix: "check mqtt.url, the network and the broker's log")
        }
        return BrokerFailure(summary: kind.summary(target, reason), fix: kind.fix)
    }

    /// No CONNACK within the timeout: packets dropped on the way, or a broker that does not answer.
    static func timedOut(target: String, after timeout: Duration) -> BrokerFailure {
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        return BrokerFailure(
            summary: "no answer from \(target) within \(String(format: "%g", seconds)) s",
            fix: "a firewall may be dropping the packets, or mqtt.url names the wrong host; raise --timeout on a slow link")
    }
}
