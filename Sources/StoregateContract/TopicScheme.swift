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

    /// Every gateway's stream of one kind (`events`, `status`, `heartbeat`, `downlink`): what HQ subscribes to.
    public static func fleetFilter(_ kind: GatewayTopic.Kind) -> String { "\(root)/+/+/\(kind.rawValue)" }

    /// ``fleetFilter(_:)`` as a shared subscription: the broker splits the messages among the group's members.
    public static func sharedFleetFilter(_ kind: GatewayTopic.Kind, group: String) -> String {
        "$share/\(group)/\(fleetFilter(kind))"
    }

    /// Every gateway topic of every kind (a test's or a debugging session's view of the whole fleet).
    public static var fleetFilterAllKinds: String { "\(root)/+/+/#" }

    /// Every topic under the contract's root (HQ's own downlink topics included), e.g. for a broker ACL.
    public static var everything: String { "\(root)/#" }

    /// One store's stream of one kind, from any of its gateways.
    public static func storeFilter(_ kind: GatewayTopic.Kind, storeID: String) -> String { "\(root)/\(storeID)/+/\(kind.rawValue)" }

    /// One store's downlink reports, from any of its gateways.
    public static func downlinkReportsFilter(storeID: String) -> String { Self.storeFilter(.downlink, storeID: storeID) }

    /// Every topic of one gateway (what to look at with `mosquitto_sub`).
    public static func gatewayFilter(storeID: String, gatewayID: String) -> String { "\(root)/\(storeID)/\(gatewayID)/#" }

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

/// Which gateway a message came from and what it is, read off its topic (`storegate/v1/STORE/GATEWAY/KIND`).
public struct GatewayTopic: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case events, status, heartbeat, downlink
    }

    public var storeID: String
    public var gatewayID: String
    public var kind: Kind

    /// Nil for anything that is not one gateway's topic of a known kind (HQ's own downlink topics included).
    public init?(topic: String) {
        // HQ parses one per message: no string built for the comparison.
        guard topic.utf8.starts(with: Self.rootLevel.utf8) else { return nil }
        let levels = topic.utf8.dropFirst(Self.rootLevel.utf8.count).split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard levels.count == 3, let store = String(levels[0]), let gateway = String(levels[1]), store != "hq",
              TopicScheme.isValidLevel(store), TopicScheme.isValidLevel(gateway),
              let kind = String(levels[2]).flatMap(Kind.init(rawValue:)) else { return nil }
        self.storeID = store
        self.gatewayID = gateway
        self.kind = kind
    }

    private static let rootLevel = TopicScheme.root + "/"
}
