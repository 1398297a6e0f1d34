/// The topic names of the contract (docs/mqtt.md). Everything lives under `storegate/v1/`; the version in the
/// path changes only if a payload changes incompatibly.
public struct TopicScheme: Sendable, Equatable {
    public static let root = "storegate/v1"
    /// The downlink kinds HQ may publish (the last topic level).
    public static let downlinkKinds = ["codes", "revocations", "policy", "keys", "commands", "sync"]

    public var storeID: String
    public var gatewayID: String

    public init(storeID: String, gatewayID: String) {
        self.storeID = storeID
        self.gatewayID = gatewayID
    }

    var gatewayPrefix: String { "\(Self.root)/\(self.storeID)/\(self.gatewayID)" }

    /// Journal events, QoS 1, not retained, in sequence order.
    public var events: String { "\(self.gatewayPrefix)/events" }
    /// Online/offline status, QoS 1, retained; the Last Will publishes the offline one.
    public var status: String { "\(self.gatewayPrefix)/status" }
    /// Periodic counters, QoS 0, not retained.
    public var heartbeat: String { "\(self.gatewayPrefix)/heartbeat" }
    /// What the gateway did with each downlink message (applied, duplicate, rejected and why), QoS 1.
    public var downlinkReports: String { "\(self.gatewayPrefix)/downlink" }

    /// Downlink for this store only.
    public var storeDownlinkFilter: String { "\(Self.root)/hq/store/\(self.storeID)/+" }
    /// Downlink for every store.
    public static let broadcastDownlinkFilter = "\(root)/hq/all/+"

    public static func storeDownlink(storeID: String, kind: String) -> String { "\(root)/hq/store/\(storeID)/\(kind)" }
    public static func broadcastDownlink(kind: String) -> String { "\(root)/hq/all/\(kind)" }

    /// A name usable as one topic level: not empty, no `/`, `+`, `#`, no NUL, at most 128 bytes.
    public static func isValidLevel(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 128 && !text.contains(where: { "/+#\u{0}".contains($0) })
    }
}

/// Where a downlink message came from, read off its topic.
public struct DownlinkAddress: Sendable, Equatable {
    /// `"*"` for broadcast, else the store id.
    public var target: String
    public var kind: String

    /// Parses `storegate/v1/hq/store/S1/codes` or `storegate/v1/hq/all/codes`; nil for anything else.
    public init?(topic: String) {
        let levels = topic.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard levels.count >= 5, levels[0] == "storegate", levels[1] == "v1", levels[2] == "hq" else { return nil }
        if levels[3] == "all", levels.count == 5 {
            self.target = "*"
            self.kind = levels[4]
        } else if levels[3] == "store", levels.count == 6 {
            self.target = levels[4]
            self.kind = levels[5]
        } else {
            return nil
        }
    }
}
