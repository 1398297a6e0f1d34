import Crypto
import Foundation
import StoregateContract
import StoregateFoundation

/// HQ's bookkeeping over the event streams of many gateways: drop duplicates by event id, report sequence gaps
/// per gateway, check every `prev_hash` link and the signed journal heads of the heartbeats, catch a code redeemed
/// (accepted) at two different stores or gateways, print baskets and returns, and check each sales summary against
/// the events of its range. Pure: fed messages, returns the JSON lines to print.
public struct HQTailState: Sendable {
    private var seen = Set<String>()
    /// gateway → highest seq seen and the seqs missing below it.
    private var highest: [String: Int64] = [:]
    private var missing: [String: Set<Int64>] = [:]
    /// code → (store, gateway, event id) of its accepted redemption.
    private var redeemed: [String: (store: String, gateway: String, eventID: String)] = [:]
    public private(set) var uniqueEvents = 0
    public private(set) var duplicates = 0
    public private(set) var invalid = 0
    public private(set) var doubleRedemptions = 0
    public private(set) var summaryMismatches = 0
    /// gateway → the sales events (sell, redeem, sale, return) seen since its last checked summary, by seq.
    private var salesEvents: [String: [Int64: EventPayload]] = [:]
    /// gateway → seq → the event's hash (hex SHA-256 of its payload) and its `prev_hash`: a link is checked as soon
    /// as both of its events are here, whatever their order.
    private var chain: [String: [Int64: (hash: String, prevHash: String)]] = [:]
    /// gateway → the key its retained status named first: what its heartbeats' heads must verify under.
    private var gatewayKeys: [String: String] = [:]
    public private(set) var chainBreaks = 0
    public private(set) var headProblems = 0

    public init() {}

    /// Processes one message; returns the JSON objects to print (one per line).
    public mutating func receive(topic: String, payload: [UInt8]) -> [[String: Any]] {
        guard let address = GatewayTopic(topic: topic) else {
            return [["type": "ignored", "topic": topic]]
        }
        let (store, gateway, kind) = (address.storeID, address.gatewayID, address.kind.rawValue)
        guard let object = (try? JSONSerialization.jsonObject(with: Data(payload))) as? [String: Any] else {
            self.invalid += 1
            return [["type": "invalid", "topic": topic, "problem": "not a JSON object"]]
        }
        guard kind == "events" else {
            return [["type": kind, "store": store, "gateway": gateway, "message": object]]
                + self.followGateway(kind: address.kind, payload: payload, store: store, gateway: gateway)
        }
        let event: EventPayload
        do {
            event = try EventPayload.decode(payload)
        } catch {
            self.invalid += 1
            return [["type": "invalid", "topic": topic, "problem": error.description]]
        }
        let eventID = event.eventId
        let seq = event.seq
        if let writer = event.foreignWriter(store: store, gateway: gateway) {
            // Another gateway's event on this topic: counted as invalid, kept out of this gateway's chain.
            self.invalid += 1
            return [["type": "topic_mismatch", "store": store, "gateway": gateway, "seq": seq, "event_id": eventID,
                     "writer_store": writer.store, "writer_gateway": writer.gateway]]
        }
        guard self.seen.insert(eventID).inserted else {
            self.duplicates += 1
            return [["type": "duplicate", "store": store, "gateway": gateway, "seq": seq, "event_id": eventID]]
        }
        self.uniqueEvents += 1
        var lines: [[String: Any]] = [["type": "event", "store": store, "gateway": gateway, "event": object]]
        let top = self.highest[gateway] ?? 0
        if seq > top + 1 {
            self.missing[gateway, default: []].formUnion((top + 1)..<seq)
            lines.append(["type": "gap", "store": store, "gateway": gateway, "from_seq": top + 1, "to_seq": seq - 1])
        }
        self.missing[gateway]?.remove(seq)
        self.highest[gateway] = max(top, seq)
        lines += self.followChain(event, hash: Hex.encode(SHA256.hash(data: payload)), store: store, gateway: gateway)
        lines += self.followSales(event, store: store, gateway: gateway)
        if object["op"] as? String == "downlink", let details = object["details"] as? [String: Any] {
            // A signed HQ message the gateway applied: what HQ changed at the store, counted as no sale or redemption.
            lines.append(["type": "downlink_applied", "store": store, "gateway": gateway, "seq": seq, "stream": details["stream"] ?? "",
                          "hq_seq": details["seq"] ?? 0, "reason": object["reason"] ?? ""])
        }
        if object["op"] as? String == "redeem", object["result"] as? String == "accepted", let code = object["code"] as? String {
            if let first = self.redeemed[code], first.gateway != gateway || first.store != store {
                self.doubleRedemptions += 1
                lines.append(["type": "double_redemption", "code": code, "first_store": first.store, "first_gateway": first.gateway,
                              "first_event_id": first.eventID, "store": store, "gateway": gateway, "event_id": eventID])
            } else if self.redeemed[code] == nil {
                self.redeemed[code] = (store, gateway, eventID)
            }
        }
        return lines
    }

    /// The links to this event's predecessor and successor, when they are here.
    private mutating func followChain(_ event: EventPayload, hash: String, store: String, gateway: String) -> [[String: Any]] {
        self.chain[gateway, default: [:]][event.seq] = (hash, event.prevHash)
        var lines: [[String: Any]] = []
        func broken(at seq: Int64, prevHash: String, predecessorHash: String) {
            self.chainBreaks += 1
            lines.append(["type": "chain_broken", "store": store, "gateway": gateway, "seq": seq, "prev_hash": prevHash,
                          "predecessor_hash": predecessorHash])
        }
        let genesis = Hex.encode([UInt8](repeating: 0, count: 32))
        if let predecessor = event.seq == 1 ? genesis : self.chain[gateway]?[event.seq - 1]?.hash, predecessor != event.prevHash {
            broken(at: event.seq, prevHash: event.prevHash, predecessorHash: predecessor)
        }
        if let successor = self.chain[gateway]?[event.seq + 1], successor.prevHash != hash {
            broken(at: event.seq + 1, prevHash: successor.prevHash, predecessorHash: hash)
        }
        return lines
    }

    /// A status pins the gateway's key (the first one named); a heartbeat's signed head must verify under it, may
    /// show a lost tail (delivered, but not seen here), and must name the hash of the event seen at its seq.
    private mutating func followGateway(kind: GatewayTopic.Kind, payload: [UInt8], store: String, gateway: String) -> [[String: Any]] {
        switch kind {
        case .status:
            if let key = (try? HQJSON.decode(GatewayStatus.self, from: payload))?.gatewayKey, self.gatewayKeys[gateway] == nil {
                self.gatewayKeys[gateway] = key
            }
            return []
        case .heartbeat:
            guard let heartbeat = try? HQJSON.decode(GatewayHeartbeat.self, from: payload), let head = heartbeat.head else { return [] }
            var line: [String: Any] = ["type": "head", "store": store, "gateway": gateway, "seq": head.seq,
                                       "delivered_through_seq": head.deliveredThroughSeq]
            guard let key = self.gatewayKeys[gateway] else {
                line["check"] = "unverified: no status with the gateway's key seen yet"
                return [line]
            }
            guard head.isSigned(by: key, storeId: store, gatewayId: gateway, timeMs: heartbeat.timeMs) else {
                self.headProblems += 1
                line["check"] = "invalid: the signature does not verify under the gateway's key"
                return [line]
            }
            var lines: [[String: Any]] = []
            let top = self.highest[gateway] ?? 0
            if head.deliveredThroughSeq > top {
                self.missing[gateway, default: []].formUnion((top + 1)...head.deliveredThroughSeq)
                self.highest[gateway] = head.deliveredThroughSeq
                lines.append(["type": "gap", "store": store, "gateway": gateway, "from_seq": top + 1, "to_seq": head.deliveredThroughSeq,
                              "found_by": "signed head"])
            }
            if let seen = self.chain[gateway]?[head.seq], seen.hash != head.hash {
                self.headProblems += 1
                line["check"] = "mismatch: the event seen at seq \(head.seq) has hash \(seen.hash)"
            } else {
                line["check"] = "ok"
            }
            return [line] + lines
        case .events, .downlink:
            return []
        }
    }

    /// A basket or a return as a line of its own; a summary checked against the events of its range seen here.
    private mutating func followSales(_ event: EventPayload, store: String, gateway: String) -> [[String: Any]] {
        switch event.op {
        case "sell", "redeem":
            self.salesEvents[gateway, default: [:]][event.seq] = event
            return []
        case "sale", "return":
            self.salesEvents[gateway, default: [:]][event.seq] = event
            guard event.result == "accepted", let details = event.details else { return [] }
            var line: [String: Any] = ["type": event.op, "store": store, "gateway": gateway, "seq": event.seq,
                                       "receipt": details.receipt ?? "", "lines": details.lines?.count ?? 0,
                                       "units": details.lines?.reduce(Int64(0)) { $0 + $1.quantity } ?? 0]
            if let currency = details.currency {
                line["currency"] = currency
                line[event.op == "sale" ? "total" : "refund"] = details.lines?.reduce(Int64(0)) { $0 + ($1.amount ?? $1.refund ?? 0) } ?? 0
            }
            return [line]
        case "sales_summary":
            guard let summary = event.details?.summary else { return [] }
            let range = summary.firstSeq...summary.lastSeq
            let notSeen = (self.missing[gateway] ?? []).filter { range.contains($0) }.count
                + Int(max(0, summary.lastSeq - (self.highest[gateway] ?? 0)))
            var line: [String: Any] = ["type": "sales_summary", "store": store, "gateway": gateway, "seq": event.seq,
                                       "first_seq": summary.firstSeq, "last_seq": summary.lastSeq]
            guard notSeen == 0 else {
                line["check"] = "incomplete: \(notSeen) events of the range not seen here"
                return [line]
            }
            var counted = SalesTally()
            for (seq, seen) in self.salesEvents[gateway] ?? [:] where range.contains(seq) { counted.add(seen) }
            let differences = counted.differences(from: SalesTally(summary))
            line["check"] = differences.isEmpty ? "ok" : "mismatch"
            if !differences.isEmpty {
                line["differences"] = differences
                self.summaryMismatches += 1
            }
            self.salesEvents[gateway] = self.salesEvents[gateway]?.filter { $0.key > summary.lastSeq }
            return [line]
        default:
            return []
        }
    }

    /// Seqs still missing per gateway (gaps not yet filled).
    public var openGaps: [String: Int] { self.missing.mapValues(\.count).filter { $0.value > 0 } }
}
