import Foundation
public import StoregateCore
public import StoregateLedger
import StoregateLink
import StoregateTrust

extension OperationDesk {
    /// Reads a basket document, checking its codes' signatures against the cached key ring.
    /// - Throws: ``BasketDocument/Problem`` for a document that is not a basket.
    public func readBasket(_ document: [UInt8], parser: CodeParser = CodeParser()) throws -> BasketDocument.Sale {
        let keys = try self.ledger.currentTrustedKeys()
        return try BasketDocument.sale(document, parser: parser, signatures: keys.check)
    }

    /// Decides and records a basket (``Ledger/applySale(_:)``) on the same path as every operation: the disk
    /// guard, the HQ link woken, the decision stream told.
    /// - Throws: ``LedgerError`` `idempotencyKeyReused` for a receipt id recorded with other content; ledger errors
    ///   (nothing recorded).
    public func sell(_ sale: BasketDocument.Sale, by asker: Asker) throws -> SaleOutcome {
        let context = DecisionContext(lane: asker.lane, operator: asker.operatorName, role: asker.role, time: asker.time)
        let basket = SaleBasket(receipt: sale.receipt, currency: sale.currency, lines: sale.lines, context: context, dryRun: sale.dryRun)
        let outcome = try self.disk.write { try self.ledger.applySale(basket) }
        if let seq = outcome.seq, !outcome.replayed {
            self.link?.outboxChanged()
            self.counters.bump(.accepted)
            self.decisions.publish(DecisionEvent(
                seq: seq, eventID: outcome.eventID, time: asker.time, lane: asker.lane, role: asker.role,
                operatorName: asker.operatorName, operation: .sale, codeID: nil, result: .accepted,
                reason: "Receipt \(outcome.receipt): \(outcome.lines.count) lines sold.", origin: asker.origin))
        }
        return outcome
    }

    /// A scan on a scanner-only till (role `sale`): a one-line basket under a generated receipt id; a retail
    /// barcode is a plain line of one. A rejected scan is journaled as a rejected `sell` (nothing changes), so
    /// HQ still sees what was refused at the till (a counterfeit, a diverted unit) as it does for every lane.
    public func sellScan(_ code: ParsedCode, by asker: Asker, entered: ContinuousClock.Instant = .now) throws -> ScanSaleAnswer {
        let keys = try self.ledger.currentTrustedKeys()
        var line = SaleLine(kind: .unit, code: code, signature: keys.check(code))
        if code.valid, code.identityKind == .product {
            line = SaleLine(kind: .plain, gtin: code.gtin)
        }
        let sale = BasketDocument.Sale(receipt: "scan-\(asker.lane)-\(UUID().uuidString.lowercased())", currency: nil, dryRun: false,
                                       lines: [line], posTimeMs: nil, lane: asker.lane, operatorName: asker.operatorName)
        let outcome = try self.sell(sale, by: asker)
        if outcome.accepted {
            if let seq = outcome.seq { self.latency?.scan(enteredAt: entered, committedAs: seq) }
            return .sold(outcome)
        }
        return .refused(try self.perform(.sell, on: code, by: asker, entered: entered))
    }

    /// Takes goods back against a receipt (``Ledger/applyReturn(_:)``), through the disk guard.
    public func takeBack(_ request: SaleReturn, by asker: Asker) throws -> ReturnOutcome {
        let outcome = try self.disk.write { try self.ledger.applyReturn(request) }
        if !outcome.replayed {
            self.link?.outboxChanged()
            self.decisions.publish(DecisionEvent(
                seq: outcome.seq, eventID: outcome.eventID, time: asker.time, lane: asker.lane, role: asker.role,
                operatorName: asker.operatorName, operation: .return, codeID: nil, result: .accepted,
                reason: "Receipt \(outcome.receipt): \(outcome.lines.count) lines taken back.", origin: asker.origin))
        }
        return outcome
    }
}

/// What a scan on a scanner-only till did.
public enum ScanSaleAnswer: Sendable {
    /// Sold as a one-line basket.
    case sold(SaleOutcome)
    /// Refused, and journaled as a rejected `sell`.
    case refused(GuardedOutcome)
}
