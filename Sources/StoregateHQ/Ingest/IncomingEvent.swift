import Crypto
import Foundation
import StoregateContract

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
        let prevHash = Self.bytes(hex: payload.prevHash)
        return .success(IncomingEvent(
            storeID: storeID, gatewayID: gatewayID, payload: payload, eventID: eventID, bytes: bytes,
            hash: Array(SHA256.hash(data: bytes)), prevHash: prevHash, receivedMs: receivedMs))
    }

    var gatewayKey: GatewayKey { GatewayKey(storeID: self.storeID, gatewayID: self.gatewayID) }
    var link: ChainLink { ChainLink(seq: self.payload.seq, hash: self.hash, prevHash: self.prevHash) }

    private static func bytes(hex: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(hex.utf8.count / 2)
        var high: UInt8?
        for char in hex.utf8 {
            let nibble = char <= 0x39 ? char - 0x30 : char - 0x61 + 10
            if let value = high {
                out.append(value << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return out
    }
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
