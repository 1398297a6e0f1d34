import Crypto
import Foundation
import StoregateContract
import StoregateFoundation

/// One event as it arrived from the broker, decoded and checked: the topic's gateway, the payload's fields and
/// the bytes' SHA-256 (what the gateway's next event must name as its `prev_hash`).
struct IncomingEvent: Sendable {
    var storeID: String
    var gatewayID: String
    var payload: EventPayload
    var eventID: UUID
    var bytes: [UInt8]
    var hash: [UInt8]
    var prevHash: [UInt8]
    var receivedMs: Int64

    /// Nil with the reason when the bytes are not an event of the contract.
    static func decode(storeID: String, gatewayID: String, bytes: [UInt8], receivedMs: Int64) -> Result<IncomingEvent, EventPayload.Problem> {
        let payload: EventPayload
        do {
            payload = try EventPayload.decode(bytes)
        } catch {
            return .failure(error)
        }
        // EventPayload.decode checked both.
        let eventID = UUID(uuidString: payload.eventId)!
        let prevHash = Hex.decode(payload.prevHash) ?? []
        return .success(IncomingEvent(
            storeID: storeID, gatewayID: gatewayID, payload: payload, eventID: eventID, bytes: bytes,
            hash: Array(SHA256.hash(data: bytes)), prevHash: prevHash, receivedMs: receivedMs))
    }

    var gatewayKey: GatewayKey { GatewayKey(storeID: self.storeID, gatewayID: self.gatewayID) }
    var link: ChainLink { ChainLink(seq: self.payload.seq, hash: self.hash, prevHash: self.prevHash) }
}

/// A gateway: the store it belongs to and its id in that store (the topic's two levels).
struct GatewayKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    var storeID: String
    var gatewayID: String

    static func < (lhs: GatewayKey, rhs: GatewayKey) -> Bool {
        (lhs.storeID, lhs.gatewayID) < (rhs.storeID, rhs.gatewayID)
    }

    var description: String { "\(self.storeID)/\(self.gatewayID)" }
}
