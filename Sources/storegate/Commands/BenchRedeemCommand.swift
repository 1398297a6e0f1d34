import ArgumentParser
import Foundation
import StoregateCore
import StoregateFoundation
import StoregateGateway
import StoregateLedger
import StoregateTrust

/// `storegate bench redeem`: durable redemptions through the daemon's path (`OperationDesk`: cached signature
/// check, disk guard, `Ledger.apply`), one transaction each with an idempotency key; prints tx/s and latency
/// percentiles.
struct BenchRedeemCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redeem", abstract: "Redeem codes from a CSV through the ledger; print tx/s, p50, p99.")

    @Option(help: "The ledger (its codes are redeemed: use a copy).") var db: String
    @Option(help: "CSV whose first column holds the codes (header skipped).") var codes: String
    @Option(help: "How many redemptions.") var count = 20_000

    func run() throws {
        let ids = try Self.firstColumn(of: self.codes, limit: self.count)
        let ledger = try Ledger(path: self.db)
        let desk = OperationDesk(ledger: ledger, disk: DiskGuard(ledger: ledger, configuration: DiskGuardConfiguration()))
        let parser = CodeParser()
        var latencies = BenchLatencies(capacity: ids.count)
        var accepted = 0
        let started = DispatchTime.now().uptimeNanoseconds
        for (index, id) in ids.enumerated() {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let code = ScanText.parse(id, parser: parser)
            let asker = OperationDesk.Asker(lane: "L1", role: .checkout, operatorName: "op1", time: .now, origin: .cli)
            let answer = try desk.perform(.redeem, on: code, by: asker, idempotencyKey: "bench-\(index)")
            if answer.decision.result.isAccepted { accepted += 1 }
            latencies.record(since: t0)
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        print(String(format: "storegate ledger: %d redemptions (%d accepted) in %.2f s: %.0f tx/s, ", ids.count, accepted, elapsed,
                     Double(ids.count) / elapsed) + latencies.summary + " (synchronous=\(try ledger.synchronousLevel()))")
    }

    /// Reads only the first `limit` rows, so a 10M-row batch file is not loaded. The codes are plain ASCII ids
    /// (first field up to the comma, line ending dropped): no Foundation string trimming, which cost more per line
    /// than a redemption's own CPU and would blur instruction counts of the benchmark.
    static func firstColumn(of path: String, limit: Int) throws -> [String] {
        guard let file = fopen(path, "r") else { throw ValidationError("cannot read \(path)") }
        defer { fclose(file) }
        var ids: [String] = []
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        var isHeader = true
        while ids.count < limit, case let length = getline(&line, &capacity, file), length > 0, let line {
            if isHeader {
                isHeader = false
                continue
            }
            let bytes = UnsafeRawBufferPointer(start: line, count: length).bindMemory(to: UInt8.self)
            let end = bytes.firstIndex { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") }
            ids.append(String(decoding: bytes[..<(end ?? bytes.endIndex)], as: UTF8.self))
        }
        return ids
    }
}
