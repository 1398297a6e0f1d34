import Crypto
import Foundation
import StoregateFoundation

/// A gateway's event stream without a gateway: chained events with the fields and key order of the ledger's
/// canonical payload (docs/mqtt.md), for `storegate-hq simulate` and the tests. Each event's `prev_hash` is the
/// SHA-256 of the one before, as a real gateway writes it.
public struct SimulatedGateway: Sendable {
    public let storeID: String
    public let gatewayID: String
    public private(set) var seq: Int64 = 0
    private var prevHash = [UInt8](repeating: 0, count: 32)

    public init(storeID: String, gatewayID: String) {
        self.storeID = storeID
        self.gatewayID = gatewayID
    }

    /// One event of the stream.
    public struct Event: Sendable, Equatable {
        public var seq: Int64
        public var payload: [UInt8]
    }

    /// The next event. `prevHashOverride` breaks the chain on purpose (the tests' tampered event); `origin`
    /// names another writer than this gateway (an event replayed onto the wrong topic).
    public mutating func next(op: String, code: String?, result: String = "accepted", campaign: String? = nil,
                              timeMs: Int64, prevHashOverride: [UInt8]? = nil, origin: (store: String, gateway: String)? = nil) -> Event {
        self.seq += 1
        var details = JSONObjectWriter()
        details.add("campaign", campaign)
        var writer = JSONObjectWriter()
        writer.add("v", Int64(1))
        writer.add("seq", self.seq)
        writer.add("event_id", UUID().uuidString.lowercased())
        writer.add("store_id", origin?.store ?? self.storeID)
        writer.add("gateway_id", origin?.gateway ?? self.gatewayID)
        writer.add("op", op)
        writer.add("code", code)
        writer.add("result", result)
        writer.add("reason", result == "accepted" ? "" : "simulated \(result)")
        writer.add("lane", "1")
        writer.add("operator", "sim")
        writer.add("role", op == "verify" ? "verify" : op)
        writer.add("time_ms", timeMs)
        writer.add("provisional", false)
        writer.addRaw("details", details.finished())
        writer.addHex("prev_hash", prevHashOverride ?? self.prevHash)
        let payload = writer.finishedBytes()
        self.prevHash = Array(SHA256.hash(data: payload))
        return Event(seq: self.seq, payload: payload)
    }

    /// The SHA-256 of the last event's payload (the journal head's hash; 32 zero bytes before the first event).
    public var headHash: [UInt8] { self.prevHash }

    /// A GS1 unit's canonical id for the simulator's codes.
    public static func unitCode(gtin: String = "09506000134352", serial: String) -> String {
        "01/\(gtin)/21/\(serial)"
    }
}
