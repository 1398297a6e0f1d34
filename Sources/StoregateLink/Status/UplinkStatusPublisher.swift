import Foundation
import StoregateContract
import StoregateMQTTClient

/// Publishes what the uplink says about itself besides events — the retained status, the heartbeat, downlink
/// reports — and remembers their message ids, whose PUBACKs are not outbox deliveries. Used on the MQTT loop
/// thread only (by ``UplinkLoop``).
final class UplinkStatusPublisher {
    private let builder: GatewayStatusBuilder
    private let client: MQTTClient
    private let topics: TopicScheme
    private let remember: (GatewayStatus) -> Void
    /// Message ids of our own status and report publishes still waiting for their PUBACK.
    private var controlMessageIDs: Set<Int32> = []

    /// `remember` receives every status built (the link keeps the last one and writes the status file).
    init(builder: GatewayStatusBuilder, client: MQTTClient, topics: TopicScheme, remember: @escaping (GatewayStatus) -> Void) {
        self.builder = builder
        self.client = client
        self.topics = topics
        self.remember = remember
    }

    /// Builds and remembers the status without publishing it (offline, or before the first connect).
    func record(state: String, _ link: GatewayStatusBuilder.LinkState) {
        self.remember(self.builder.status(state: state, link))
    }

    /// Publishes the retained status when `connected` (and remembers it either way); returns its message id.
    @discardableResult
    func publishStatus(state: String, connected: Bool, _ link: GatewayStatusBuilder.LinkState) -> Int32? {
        let status = self.builder.status(state: state, link)
        self.remember(status)
        guard connected, let bytes = try? HQJSON.encode(status) else { return nil }
        return self.publishControl(topic: self.topics.status, payload: bytes, retain: true)
    }

    /// Remembers the current status and, when `connected`, publishes a heartbeat made from it.
    func publishHeartbeat(connected: Bool, connectedSince: Int64?, _ link: GatewayStatusBuilder.LinkState) {
        guard connected else {
            self.record(state: "offline", link)
            return
        }
        let (status, heartbeat) = self.builder.heartbeat(connectedSince: connectedSince, link)
        self.remember(status)
        if let bytes = try? HQJSON.encode(heartbeat) {
            // QoS 0: a lost heartbeat is replaced by the next one; its PUBACK-less send needs no tracking.
            _ = try? self.client.publish(topic: self.topics.heartbeat, payload: bytes, qos: 0)
        }
    }

    /// Publishes the report on a downlink message (HQ's acknowledgement of it).
    func publishDownlinkReport(_ report: DownlinkReport) {
        guard let bytes = try? HQJSON.encode(report) else { return }
        self.publishControl(topic: self.topics.downlinkReports, payload: bytes, retain: false)
    }

    /// True (and forgotten) when `messageID` was one of ours rather than an event.
    func takeAcknowledgement(of messageID: Int32) -> Bool {
        self.controlMessageIDs.remove(messageID) != nil
    }

    func isAwaitingAcknowledgement(_ messageID: Int32) -> Bool {
        self.controlMessageIDs.contains(messageID)
    }

    /// The connection ended: its message ids mean nothing on the next one.
    func connectionLost() {
        self.controlMessageIDs.removeAll()
    }

    @discardableResult
    private func publishControl(topic: String, payload: [UInt8], retain: Bool) -> Int32? {
        guard let messageID = try? self.client.publish(topic: topic, payload: payload, retain: retain) else { return nil }
        self.controlMessageIDs.insert(messageID)
        return messageID
    }
}
