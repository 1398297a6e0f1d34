import GRDB
import StoregateCore

extension Ledger {
    /// Decides and records a basket in one transaction: every unit line is decided as a `sell` and every reward
    /// line's prize code as a `redeem`, under today's rules. If each is accepted, the rewards' `redeem` events, the
    /// units' new states and one `sale` event carrying the whole basket commit together (fsync'd); if any is not,
    /// or on a dry run, nothing is written and the answer lists each line's result.
    ///
    /// - Throws: ``LedgerError`` `idempotencyKeyReused` when the receipt id was recorded with other content;
    ///   `notInitialised`; database errors (nothing is then written).
    public func applySale(_ basket: SaleBasket) throws -> SaleOutcome {
        try self.inWriteTransaction { db, statements in try self.applySaleInTransaction(db, statements, basket) }
    }

    static func receiptKey(_ receipt: String) -> String { "receipt:\(receipt)" }

    private func applySaleInTransaction(_ db: Database, _ statements: WriterStatements.Prepared, _ basket: SaleBasket) throws -> SaleOutcome {
        var snapshot = try self.snapshot(db, statements.dataVersion)
        let fingerprint = basket.fingerprint
        if let stored = try Self.idempotencyRecord(statements, key: Self.receiptKey(basket.receipt)) {
            guard stored.fingerprint == fingerprint else {
                throw LedgerError(.idempotencyKeyReused, "receipt \(basket.receipt) was already recorded with other content "
                    + "(event \(stored.seq)); a changed basket needs a new receipt id")
            }
            return try Self.replaySale(db, basket: basket, seq: stored.seq)
        }

        // Decide every line before writing anything.
        var decided: [(record: CodeRecord?, decision: Decision?)] = []
        for line in basket.lines {
            guard let code = line.code, line.kind != .plain else {
                decided.append((nil, nil))
                continue
            }
            let record = try CodeRow.registryID(of: code).flatMap { try CodeRow.fetch(statements.codeLookup, id: $0) }
            let decision = DecisionRules.decide(
                record: record, code: code, signature: line.signature, policy: snapshot.policy,
                operation: line.kind == .reward ? .redeem : .sell, context: basket.context)
            decided.append((record, decision))
        }
        let results = decided.enumerated().map { index, entry in
            SaleOutcome.LineResult(line: index + 1, result: entry.decision?.result ?? .accepted,
                                   reason: entry.decision?.reason ?? "Counted by GTIN (no unit state).")
        }
        let total = basket.lines.reduce(0) { $0 + $1.amount }
        let allAccepted = results.allSatisfy { $0.result.isAccepted }
        guard allAccepted, !basket.dryRun else {
            return SaleOutcome(receipt: basket.receipt, accepted: false, dryRun: basket.dryRun, seq: nil, eventID: nil,
                               lines: results, total: total, currency: basket.currency, replayed: false)
        }

        // Rewards first: each redemption is its own `redeem` event, which the sale event then names.
        var recorded: [SaleDetails.Line] = []
        var answers = results
        for (index, line) in basket.lines.enumerated() {
            let (record, decision) = decided[index]
            var entry = SaleDetails.Line(number: index + 1, line: line, gtin: line.gtin ?? line.code?.gtin,
                                         campaign: record?.campaign, state: record?.state, provisional: decision?.provisional ?? false,
                                         reason: results[index].reason)
            if line.kind == .reward, let code = line.code, let decision {
                let request = OperationRequest(operation: .redeem, code: code, signature: line.signature, context: basket.context)
                // Recorded as `sale` like the units: what a basket did is undone by a return, never a void.
                _ = try LedgerEffects.write(decision.effect, db: db, statements: statements, code: code, record: record,
                                            request: request, seq: snapshot.headSeq + 1, lastOperation: JournalOperation.sale.rawValue)
                let event = try self.appendEvent(
                    statements, snapshot: &snapshot, operation: .redeem, codeID: code.id, result: decision.result,
                    reason: decision.reason, context: basket.context, provisional: decision.provisional,
                    details: EventDetails.encode(decision.details, unpacked: 0))
                entry.redemptionSeq = event.seq
                entry.redemptionEventID = event.eventID
                answers[index].redemptionSeq = event.seq
                answers[index].redemptionEventID = event.eventID
            }
            recorded.append(entry)
        }
        let saleSeq = snapshot.headSeq + 1
        for (index, line) in basket.lines.enumerated() where line.kind == .unit {
            guard let code = line.code, let decision = decided[index].decision else { continue }
            let request = OperationRequest(operation: .sell, code: code, signature: line.signature, context: basket.context)
            // Recorded as `sale`: a unit sold in a basket is taken back with a return, not a void (a void would change
            // the unit but not the basket's event, and HQ's sell-out would count a sale that was undone).
            _ = try LedgerEffects.write(decision.effect, db: db, statements: statements, code: code,
                                        record: decided[index].record, request: request, seq: saleSeq,
                                        lastOperation: JournalOperation.sale.rawValue)
        }
        let event = try self.appendEvent(
            statements, snapshot: &snapshot, operation: .sale, codeID: nil, result: .accepted,
            reason: "Receipt \(basket.receipt): \(basket.lines.count) lines sold.", context: basket.context,
            provisional: recorded.contains { $0.provisional }, details: SaleDetails.encode(basket, lines: recorded))
        try self.recordReceipt(db, basket: basket, lines: recorded, seq: event.seq)
        try Self.rememberIdempotencyKey(statements, key: Self.receiptKey(basket.receipt), fingerprint: fingerprint,
                                        seq: event.seq, time: basket.context.time)
        return SaleOutcome(receipt: basket.receipt, accepted: true, dryRun: false, seq: event.seq, eventID: event.eventID,
                           lines: answers, total: total, currency: basket.currency, replayed: false)
    }

    /// The receipt's rows, which returns check against.
    private func recordReceipt(_ db: Database, basket: SaleBasket, lines: [SaleDetails.Line], seq: Int64) throws {
        let context = basket.context
        try db.execute(sql: "INSERT INTO sales(receipt, seq, lane, operator, currency, time_ms) VALUES (?, ?, ?, ?, ?, ?)",
                       arguments: [basket.receipt, seq, context.lane, context.operator, basket.currency, context.time.milliseconds])
        let insert = try db.cachedStatement(sql: """
            INSERT INTO sale_lines(receipt, line, kind, code, gtin, campaign, quantity, unit_price, discount)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for recorded in lines {
            let line = recorded.line
            try insert.execute(arguments: [basket.receipt, recorded.number, line.kind.rawValue, line.code?.id, recorded.gtin,
                                           recorded.campaign, line.quantity, line.kind == .reward ? 0 : line.unitPrice, line.discount])
            if line.kind == .plain, let gtin = recorded.gtin {
                try db.execute(sql: """
                    INSERT INTO product_sales(product, sold) VALUES (?, ?)
                    ON CONFLICT(product) DO UPDATE SET sold = sold + excluded.sold
                    """, arguments: [gtin, line.quantity])
            }
        }
    }

    private static func replaySale(_ db: Database, basket: SaleBasket, seq: Int64) throws -> SaleOutcome {
        guard let event = try JournalRow.fetch(db, seq: seq), event.operation == .sale else {
            throw LedgerError(.invalidValue, "receipt \(basket.receipt) points at journal event \(seq), which is not its sale")
        }
        let stored = SaleDetails.decode(event.details)
        return SaleOutcome(receipt: basket.receipt, accepted: true, dryRun: false, seq: seq, eventID: event.eventID,
                           lines: stored.lines, total: stored.total, currency: stored.currency, replayed: true)
    }
}
