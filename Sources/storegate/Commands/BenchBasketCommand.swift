import ArgumentParser
import Foundation
import StoregateCore
import StoregateFoundation
import StoregateGateway
import StoregateLedger

/// `storegate bench basket`: durable 5-line baskets (3 serialised units, 2 plain lines) through the API's path
/// (`OperationDesk`: the JSON document read and checked, signatures, disk guard, `Ledger.applySale`), one
/// transaction each; prints baskets/s and latency percentiles.
struct BenchBasketCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "basket", abstract: "Sell 5-line baskets (3 codes from a CSV each) through the ledger; print baskets/s, p50, p99.")

    @Option(help: "The ledger (its codes are sold: use a copy).") var db: String
    @Option(help: "CSV whose first column holds the codes (header skipped); three per basket.") var codes: String
    @Option(help: "How many baskets.") var count = 5_000

    func run() throws {
        let ids = try BenchRedeemCommand.firstColumn(of: self.codes, limit: self.count * 3)
        let ledger = try Ledger(path: self.db)
        let desk = OperationDesk(ledger: ledger, disk: DiskGuard(ledger: ledger, configuration: DiskGuardConfiguration()))
        let baskets = ids.count / 3
        var latencies = BenchLatencies(capacity: baskets)
        var accepted = 0
        let started = DispatchTime.now().uptimeNanoseconds
        for index in 0..<baskets {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let units = ids[(index * 3)..<(index * 3 + 3)].map { #"{"code":"\#($0)","unit_price":1200}"# }
            let document = #"{"receipt":"bench-\#(index)","currency":"CNY","lines":[\#(units.joined(separator: ",")),"#
                + #"{"gtin":"4006381333931","quantity":2,"unit_price":350,"discount":50},{"gtin":"6901234567892","quantity":1,"unit_price":990}]}"#
            let asker = OperationDesk.Asker(lane: "L1", role: .checkout, operatorName: "op1", time: .now, origin: .cli)
            let outcome = try desk.sell(try desk.readBasket(Array(document.utf8)), by: asker)
            if outcome.accepted { accepted += 1 }
            latencies.record(since: t0)
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        print(String(format: "storegate ledger: %d baskets (%d accepted) in %.2f s: %.0f baskets/s, ", baskets, accepted, elapsed,
                     Double(baskets) / elapsed) + latencies.summary + " (synchronous=\(try ledger.synchronousLevel()))")
    }
}
