import Foundation
import GRDB
import StoregateCore
import StoregateFoundation

extension Ledger {
    /// Takes goods back against a receipt in one transaction: the lines' `returned` counts grow (never past what
    /// was sold), serialised units become `received` again (sellable), and one `return` event records it.
    ///
    /// - Throws: ``LedgerError`` `returnRefused` (nothing changed) for a receipt never sold here, a return past
    ///   the store's return window, a line or unit not on the receipt, more than is left to return, a reward line,
    ///   or a unit that is no longer `sold`; `idempotencyKeyReused` when the return id was used for another return.
    public func applyReturn(_ request: SaleReturn) throws -> ReturnOutcome {
        try self.inWriteTransaction { db, statements in try self.applyReturnInTransaction(db, statements, request) }
    }

    private func applyReturnInTransaction(_ db: Database, _ statements: WriterStatements.Prepared, _ request: SaleReturn) throws -> ReturnOutcome {
        var snapshot = try self.snapshot(db, statements.dataVersion)
        let key = "return:\(request.returnID)"
        if let stored = try Self.idempotencyRecord(statements, key: key) {
            guard stored.fingerprint == request.fingerprint else {
                throw LedgerError(.idempotencyKeyReused, "return \(request.returnID) was already recorded for other goods "
                    + "(event \(stored.seq)); a new return needs a new id")
            }
            return try Self.replayReturn(db, request: request, seq: stored.seq)
        }
        guard let sale = try Row.fetchOne(db, sql: "SELECT seq, currency, time_ms FROM sales WHERE receipt = ?", arguments: [request.receipt]) else {
            throw LedgerError(.returnRefused, "receipt \(request.receipt) was never sold at this store")
        }
        let saleSeq: Int64 = sale[0]
        let currency: String? = sale[1]
        let soldAt: Int64 = sale[2]
        let window = snapshot.policy.returnWindowMilliseconds
        guard request.context.time.milliseconds - soldAt <= window else {
            throw LedgerError(.returnRefused, "receipt \(request.receipt) was sold on \(Timestamp(milliseconds: soldAt).utcText), "
                + "past the \(window / 86_400_000)-day return window")
        }
        guard !request.items.isEmpty else { throw LedgerError(.returnRefused, "a return needs at least one line or unit") }

        var lines: [ReturnOutcome.Line] = []
        for item in request.items {
            let row: Row?
            switch item {
            case .line(let number, _):
                row = try Row.fetchOne(db, sql: "SELECT \(Self.saleLineColumns) FROM sale_lines WHERE receipt = ? AND line = ?",
                                       arguments: [request.receipt, number])
                guard row != nil else { throw LedgerError(.returnRefused, "receipt \(request.receipt) has no line \(number)") }
            case .unit(let codeID):
                row = try Row.fetchOne(db, sql: "SELECT \(Self.saleLineColumns) FROM sale_lines WHERE receipt = ? AND code = ?",
                                       arguments: [request.receipt, codeID])
                guard row != nil else { throw LedgerError(.returnRefused, "\(codeID) was not sold on receipt \(request.receipt)") }
            }
            guard let row else { continue }
            let number: Int = row[0]
            let kind: String = row[1]
            let code: String? = row[2]
            let quantity: Int = row[4]
            let returned: Int = row[7]
            let taking: Int
            if case .line(_, let asked) = item { taking = asked } else { taking = 1 }
            guard kind != SaleLine.Kind.reward.rawValue else {
                throw LedgerError(.returnRefused, "line \(number) is a reward: its prize redemption stands and is not returned")
            }
            guard taking > 0, taking <= quantity - returned else {
                throw LedgerError(.returnRefused, "line \(number) sold \(quantity), \(returned) already returned: cannot take back \(taking)")
            }
            if let code {
                let state = try String.fetchOne(db, sql: "SELECT state FROM codes WHERE id = ?", arguments: [code])
                guard state == CodeState.sold.rawValue else {
                    throw LedgerError(.returnRefused, "\(code) is \(state ?? "not registered") now, not sold: it cannot be taken back")
                }
                let context = request.context
                try db.execute(sql: """
                    UPDATE codes SET state = 'received', last_op = 'return', last_prev_state = 'sold', last_lane = ?,
                        last_operator = ?, last_ms = ?, last_seq = ?
                    WHERE id = ?
                    """, arguments: [context.lane, context.operator, context.time.milliseconds, snapshot.headSeq + 1, code])
            }
            try db.execute(sql: "UPDATE sale_lines SET returned = returned + ? WHERE receipt = ? AND line = ?",
                           arguments: [taking, request.receipt, number])
            // Each return refunds the growth of floor(amount × returned / quantity), so the refunds of a line add up
            // to exactly its amount however it is split.
            let price: Int64? = row[5]
            let discount: Int64 = row[6]
            let amount = (price ?? 0) * Int64(quantity) - discount
            let refund = amount * Int64(returned + taking) / Int64(quantity) - amount * Int64(returned) / Int64(quantity)
            lines.append(ReturnOutcome.Line(line: number, gtin: row[3], code: code, campaign: row[8], quantity: taking, refund: refund))
        }
        let refund = lines.reduce(0) { $0 + $1.refund }
        var details = JSONObjectWriter()
        details.add("return_id", request.returnID)
        details.add("receipt", request.receipt)
        details.add("sale_seq", saleSeq)
        details.add("currency", currency)
        details.add("refund", refund)
        details.add("units", Int64(lines.reduce(0) { $0 + $1.quantity }))
        details.addObjects("lines", lines) { nested, line in
            nested.add("line", Int64(line.line))
            nested.add("code", line.code)
            nested.add("gtin", line.gtin)
            nested.add("campaign", line.campaign)
            nested.add("quantity", Int64(line.quantity))
            nested.add("refund", line.refund)
        }
        let event = try self.appendEvent(
            statements, snapshot: &snapshot, operation: .return, codeID: nil, result: .accepted,
            reason: "Receipt \(request.receipt): \(lines.count) lines taken back.", context: request.context, provisional: false,
            details: details.finished())
        try Self.rememberIdempotencyKey(statements, key: key, fingerprint: request.fingerprint, seq: event.seq, time: request.context.time)
        return ReturnOutcome(returnID: request.returnID, receipt: request.receipt, seq: event.seq, eventID: event.eventID,
                             lines: lines, refund: refund, currency: currency, replayed: false)
    }

    private static let saleLineColumns = "line, kind, code, gtin, quantity, unit_price, discount, returned, campaign"

    private static func replayReturn(_ db: Database, request: SaleReturn, seq: Int64) throws -> ReturnOutcome {
        guard let event = try JournalRow.fetch(db, seq: seq), event.operation == .return,
              let wire = try? JSONDecoder().decode(ReturnWire.self, from: Data(event.details.utf8)) else {
            throw LedgerError(.invalidValue, "return \(request.returnID) points at journal event \(seq), which is not its return")
        }
        let lines = wire.lines.map { ReturnOutcome.Line(line: $0.line, gtin: $0.gtin, code: $0.code, campaign: $0.campaign, quantity: $0.quantity, refund: $0.refund) }
        return ReturnOutcome(returnID: request.returnID, receipt: request.receipt, seq: seq, eventID: event.eventID, lines: lines,
                             refund: wire.refund, currency: wire.currency, replayed: true)
    }

    private struct ReturnWire: Decodable {
        struct Line: Decodable {
            var line: Int
            var code: String?
            var gtin: String?
            var campaign: String?
            var quantity: Int
            var refund: Int64
        }
        var currency: String?
        var refund: Int64
        var lines: [Line]
    }
}
