import Foundation
import StoregateFoundation

/// A journal event as it travels on `…/events` (schema `docs/schemas/event.v1.json`): the gateway's canonical
/// bytes, hashed into its chain. Decoding checks the JSON types of the required fields (JSONSerialization cannot
/// tell `true` from `1` on Linux); ``decode(_:)`` adds the value rules.
public struct EventPayload: Sendable, Equatable, Decodable {
    public var v: Int
    public var seq: Int64
    public var eventId: String
    /// The store and gateway that wrote the event (gateways since ledger schema v8; older events have neither).
    /// HQ refuses an event whose names differ from its topic's.
    public var storeId: String?
    public var gatewayId: String?
    public var op: String
    public var code: String?
    public var result: String
    public var reason: String
    public var lane: String
    public var `operator`: String
    public var role: String
    public var timeMs: Int64
    public var provisional: Bool
    /// Hex SHA-256 of the previous event's payload (64 zeros for seq 1).
    public var prevHash: String
    public var details: Details?

    /// The parts of `details` HQ counts by.
    public struct Details: Sendable, Equatable, Decodable {
        /// The code's state before the operation.
        public var state: String?
        public var campaign: String?
        /// `sale` and `return`: the POS receipt.
        public var receipt: String?
        /// `sale` and `return`: ISO 4217, absent where the till records no prices.
        public var currency: String?
        /// `sale`: the basket's lines; `return`: the lines taken back.
        public var lines: [Line]?
        /// `sales_summary`: the journal range and totals it covers.
        public var summary: SalesSummary?

        private enum CodingKeys: String, CodingKey {
            case state, campaign, receipt, currency, lines, summary
        }
    }

    /// One line of a `sale` or a `return` (docs/schemas/event.v1.json).
    public struct Line: Sendable, Equatable, Decodable {
        public var line: Int
        /// `unit`, `plain` or `reward` (sales only).
        public var type: String?
        public var code: String?
        public var gtin: String?
        public var campaign: String?
        public var quantity: Int64
        public var unitPrice: Int64?
        public var discount: Int64?
        /// Sales: quantity × unit price − discount.
        public var amount: Int64?
        /// Returns: what this return gives back for the line.
        public var refund: Int64?

        private enum CodingKeys: String, CodingKey {
            case line, type, code, gtin, campaign, quantity, discount, amount, refund
            case unitPrice = "unit_price"
        }
    }

    /// Why bytes are not an event.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String

        public init(description: String) {
            self.description = description
        }
    }

    private enum CodingKeys: String, CodingKey {
        case v, seq, op, code, result, reason, lane, role, provisional, details
        case eventId = "event_id", storeId = "store_id", gatewayId = "gateway_id", `operator` = "operator", timeMs = "time_ms"
        case prevHash = "prev_hash"
    }

    /// The event in `bytes`, or the first rule it breaks (missing field, wrong type, version, seq, id, hash).
    public static func decode(_ bytes: [UInt8]) throws(Problem) -> EventPayload {
        let event: EventPayload
        if let scanned = EventPayloadScanner.scan(bytes) {
            event = scanned
        } else {
            event = try Self.decodeWithJSONDecoder(bytes)
        }
        if event.v != 1 { throw Problem(description: "unsupported version v=\(event.v)") }
        if event.seq < 1 { throw Problem(description: "seq must be >= 1") }
        if !(0...Self.latestTimeMs).contains(event.timeMs) {
            throw Problem(description: "time_ms \(event.timeMs) is not a time from 1970 to 9999")
        }
        if UUID(canonical: event.eventId) == nil { throw Problem(description: "event_id \(event.eventId) is not a UUID") }
        if event.prevHash.utf8.count != 64 || !event.prevHash.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) {
            throw Problem(description: "prev_hash must be 64 lower-case hex digits")
        }
        return event
    }

    /// What ``EventPayloadScanner`` declines: `JSONDecoder` decides, and says what is wrong.
    @_spi(Fuzzing) public static func decodeWithJSONDecoder(_ bytes: [UInt8]) throws(Problem) -> EventPayload {
        do {
            return try JSONDecoder().decode(EventPayload.self, from: Data(bytes))
        } catch DecodingError.keyNotFound(let key, _) {
            throw Problem(description: "missing \(key.stringValue)")
        } catch DecodingError.typeMismatch(let type, let context) {
            if context.codingPath.isEmpty { throw Problem(description: "not an event: not a JSON object") }
            throw Problem(description: "\(context.codingPath.map(\.stringValue).joined(separator: ".")) must be a \(type)")
        } catch DecodingError.valueNotFound(let type, let context) {
            throw Problem(description: "\(context.codingPath.map(\.stringValue).joined(separator: ".")) must be a \(type), not null")
        } catch {
            throw Problem(description: "not an event: not a JSON object of the event schema")
        }
    }

    /// 9999-12-31T23:59:59.999Z: later times have no date in PostgreSQL's partitions (nor in ISO 8601's basic years).
    public static let latestTimeMs: Int64 = 253_402_300_799_999

    /// The writer the event names when it is not the gateway of `store`/`gateway` (its topic's); nil when it is, or
    /// when the event names none (written before ledger schema v8).
    public func foreignWriter(store: String, gateway: String) -> (store: String, gateway: String)? {
        guard let storeId = self.storeId, let gatewayId = self.gatewayId, (storeId, gatewayId) != (store, gateway) else { return nil }
        return (storeId, gatewayId)
    }

    /// The GTIN of a GS1 unit's canonical id (`01/<GTIN-14>/21/<serial>`), else nil (brand codes, malformed scans).
    public var gtin: String? {
        // On the UTF-8 view: HQ reads it for every event it stores.
        guard let utf8 = self.code?.utf8, utf8.starts(with: "01/".utf8) else { return nil }
        let start = utf8.index(utf8.startIndex, offsetBy: 3)
        let end = utf8[start...].firstIndex(of: UInt8(ascii: "/")) ?? utf8.endIndex
        return utf8.distance(from: start, to: end) == 14 ? String(Substring(utf8[start..<end])) : nil
    }
}
