import ArgumentParser
import Foundation
import StoregateCore
import StoregateFoundation
import StoregateGateway
import StoregateLedger

/// Who rings up a basket or a return from the command line (the API takes them from the till's token).
struct TillArguments: ParsableArguments {
    @OptionGroup var ledger: LedgerOptions

    @Option(help: "The JSON document (docs/api.md); `-` reads it from stdin.")
    var file: String

    @Option(help: "The till (lane) ringing it up, unless the document names one.")
    var lane = "cli"

    @Option(name: .customLong("operator"), help: "The operator, unless the document names one.")
    var operatorName = "operator"

    @Option(help: "The lane's role: checkout or service.")
    var role: String = LaneRole.checkout.rawValue

    func validate() throws {
        do { _ = try LaneRole(named: self.role) } catch { throw ValidationError("--role \(error)") }
    }

    func document() throws -> [UInt8] {
        if self.file == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
        guard let data = FileManager.default.contents(atPath: self.file) else {
            throw ValidationError("cannot read \(self.file)")
        }
        return Array(data)
    }

    func desk() throws -> OperationDesk {
        let ledger = try Ledger(path: self.ledger.db)
        return OperationDesk(ledger: ledger, disk: DiskGuard(ledger: ledger, configuration: DiskGuardConfiguration()))
    }

    func asker(lane: String?, operatorName: String?) -> OperationDesk.Asker {
        OperationDesk.Asker(lane: lane ?? self.lane, role: LaneRole(rawValue: self.role) ?? .checkout,
                            operatorName: operatorName ?? self.operatorName, time: .now, origin: .cli)
    }
}

struct SaleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sale",
        abstract: "Record a POS basket: every unit sold and every reward redeemed in one transaction, or nothing.",
        discussion: "Prints the answer as JSON, each line's result included. Exit 0 accepted (or a dry run that would "
            + "be), 1 rejected (nothing changed), 2 the document is not a basket.")
    @OptionGroup var till: TillArguments

    func run() throws {
        let desk = try self.till.desk()
        let sale: BasketDocument.Sale
        do {
            sale = try desk.readBasket(try self.till.document())
        } catch let problem as BasketDocument.Problem {
            FileHandle.standardError.write(Data("storegate sale: \(problem)\n".utf8))
            throw ExitCode(2)
        }
        let outcome = try desk.sell(sale, by: self.till.asker(lane: sale.lane, operatorName: sale.operatorName))
        print(SaleOutcomeJSON.sale(outcome))
        if !outcome.accepted && !outcome.dryRun { throw ExitCode(1) }
    }
}

struct ReturnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "return",
        abstract: "Take goods back against a receipt, within the store's return window.",
        discussion: "Prints the answer as JSON. Exit 0 taken back, 1 refused (nothing changed), 2 the document is not a return.")
    @OptionGroup var till: TillArguments

    func run() throws {
        let desk = try self.till.desk()
        let document: BasketDocument.Return
        do {
            document = try BasketDocument.return(try self.till.document(), parser: CodeParser())
        } catch let problem as BasketDocument.Problem {
            FileHandle.standardError.write(Data("storegate return: \(problem)\n".utf8))
            throw ExitCode(2)
        }
        let asker = self.till.asker(lane: document.lane, operatorName: document.operatorName)
        let context = DecisionContext(lane: asker.lane, operator: asker.operatorName, role: asker.role, time: asker.time)
        do {
            let outcome = try desk.takeBack(SaleReturn(returnID: document.returnID, receipt: document.receipt, items: document.items,
                                                       context: context), by: asker)
            print(SaleOutcomeJSON.return(outcome))
        } catch let error as LedgerError where error.code == .returnRefused {
            FileHandle.standardError.write(Data("storegate return: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

struct SalesSummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sales-summary",
        abstract: "Write the sales_summary event now (the daemon writes one every period and at shutdown).")
    @OptionGroup var ledger: LedgerOptions

    func run() throws {
        let ledger = try Ledger(path: self.ledger.db)
        let summarizer = SalesSummarizer(ledger: ledger, disk: DiskGuard(ledger: ledger, configuration: DiskGuardConfiguration()),
                                         periodMinutes: 15)
        if let event = try summarizer.write(periodEnd: .now, at: .now) {
            print("sales summary written as event \(event.seq)")
        } else {
            print("nothing sold, returned or redeemed since the last summary: none written")
        }
    }
}
