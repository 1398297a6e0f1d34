/// A broker URL, `mqtt://host:port` or `mqtts://host:port` (ports default to 1883 and 8883): the one parser of the
/// broker option of the gateway, its CLI and storegate-hq.
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

    public var description: String { "\(self.tls ? "mqtts" : "mqtt")://\(self.host):\(self.port)" }
}
