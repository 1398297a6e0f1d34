import Foundation
import StoregateCore
import StoregateFoundation

/// The `details` of a `sale` journal event: the whole basket, so HQ (and `ledger check`) can count sell-out per
/// SKU from the events alone. docs/schemas/event.v1.json describes it.
enum SaleDetails {
    /// One line as recorded; `state` is a unit's state before the sale.
    struct Line {
        var number: Int
        var line: SaleLine
        var gtin: String?
        var campaign: String?
        var state: CodeState?
        var provisional: Bool
        var reason: String
        var redemptionSeq: Int64?
        var redemptionEventID: String?
    }

    static func encode(_ basket: SaleBasket, lines: [Line]) -> String {
        var writer = JSONObjectWriter()
        writer.add("receipt", basket.receipt)
        writer.add("currency", basket.currency)
        writer.add("total", basket.lines.reduce(0) { $0 + $1.amount })
        writer.add("units", Int64(basket.lines.reduce(0) { $0 + $1.quantity }))
        writer.addObjects("lines", lines) { nested, recorded in
            let line = recorded.line
            nested.add("line", Int64(recorded.number))
            nested.add("type", line.kind.rawValue)
            nested.add("code", line.code?.id)
            nested.add("gtin", recorded.gtin)
            nested.add("campaign", recorded.campaign)
            nested.add("quantity", Int64(line.quantity))
            nested.add("unit_price", line.kind == .reward ? 0 : line.unitPrice)
            nested.add("discount", line.discount == 0 ? nil : line.discount)
            nested.add("amount", line.amount)
            nested.add("state", recorded.state?.rawValue)
            if recorded.provisional { nested.add("provisional", true) }
            nested.add("reason", recorded.reason)
            nested.add("redemption_seq", recorded.redemptionSeq)
            nested.add("redemption_event_id", recorded.redemptionEventID)
        }
        return writer.finished()
    }

    /// The recorded lines of a stored sale event, for a repeated receipt's answer.
    static func decode(_ text: String) -> (total: Int64, currency: String?, lines: [SaleOutcome.LineResult]) {
        guard let wire = try? JSONDecoder().decode(Wire.self, from: Data(text.utf8)) else { return (0, nil, []) }
        let lines = wire.lines.map {
            SaleOutcome.LineResult(line: $0.line, result: .accepted, reason: $0.reason ?? "", redemptionSeq: $0.redemption_seq,
                                   redemptionEventID: $0.redemption_event_id)
        }
        return (wire.total ?? 0, wire.currency, lines)
    }

    private struct Wire: Decodable {
        struct Line: Decodable {
            var line: Int
            var reason: String?
            var redemption_seq: Int64?
            var redemption_event_id: String?
        }
        var currency: String?
        var total: Int64?
        var lines: [Line]
    }
}
