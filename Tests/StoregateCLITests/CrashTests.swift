import Foundation
import StoregateCore
import StoregateLedger
import StoregateTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Promise 1: an operation storegate answered "accepted" is in the ledger after kill -9 at any moment.
@Suite struct CrashTests {
    static let rounds = 20
    static let poolSize = 6000
    static let scansPerRound = 800

    @Test func everyRedemptionReportedAcceptedSurvivesSIGKILLAndNoneIsDoubled() throws {
        let binary = try StoregateBinary.path()
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let pool = (0..<Self.poolSize).map { "01/09506000134352/21/K\($0)" }
        try fixture.register(ids: pool)
        var generator = SystemRandomNumberGenerator()
        var acceptedIDs: [String] = []
        var answered = 0
        for _ in 0..<Self.rounds {
            let input = (0..<Self.scansPerRound).map { _ in pool[Int.random(in: 0..<pool.count, using: &generator)] }
            let lines = try Self.runAndKill(binary: binary, db: fixture.path, input: input,
                                            killAfterMilliseconds: Int.random(in: 30...400, using: &generator))
            answered += lines.count
            for line in lines {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                    let result = object["result"] as? String
                else {
                    Issue.record("unreadable output line: \(line)")
                    continue
                }
                if result == "accepted", let id = object["id"] as? String { acceptedIDs.append(id) }
            }
        }
        #expect(answered > 0, "the binary answered nothing in \(Self.rounds) rounds")
        #expect(!acceptedIDs.isEmpty, "no redemption was accepted before the kills")
        // No code was reported accepted twice.
        #expect(Set(acceptedIDs).count == acceptedIDs.count)

        let ledger = try Ledger(path: fixture.path)
        for id in acceptedIDs {
            #expect(try ledger.record(codeID: id)?.state == .redeemed, "\(id) was reported accepted but is not redeemed")
        }
        var acceptedEvents: [String: Int] = [:]
        var from: Int64 = 1
        while true {
            let events = try ledger.journal(fromSeq: from, limit: 5000)
            guard let last = events.last else { break }
            for event in events where event.operation == .redeem && event.result == .accepted {
                acceptedEvents[event.codeID ?? "", default: 0] += 1
            }
            from = last.seq + 1
        }
        for id in acceptedIDs { #expect(acceptedEvents[id] == 1, "\(id) has \(acceptedEvents[id] ?? 0) accepted redeem events") }
        #expect(acceptedEvents.values.allSatisfy { $0 == 1 }, "a code was redeemed twice")
        #expect(try ledger.stats().codesByState[.redeemed] == acceptedEvents.count)
        let report = try ledger.check()
        #expect(report.isOK, "\(report.problems)")
    }

    /// Starts `storegate redeem --json -`, gives it the scans, SIGKILLs it after a delay, and returns the complete
    /// result lines it printed before dying.
    static func runAndKill(binary: String, db: String, input: [String], killAfterMilliseconds: Int) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["redeem", "--db", db, "--json", "--lane", "crash", "--role", "redemption", "-"]
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        // All scans fit in the pipe buffer, so this never blocks; stdin stays open so the process is still
        // working, not exiting at end of input, when it is killed.
        let bytes = Data((input.joined(separator: "\n") + "\n").utf8)
        precondition(bytes.count < 60_000)
        stdin.fileHandleForWriting.write(bytes)
        usleep(useconds_t(killAfterMilliseconds * 1000))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? stdin.fileHandleForWriting.close()
        try? stdout.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let text = String(decoding: output, as: UTF8.self)
        // Only lines that ended with a newline were printed completely (after their commit).
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.removeLast()
        return lines.filter { !$0.isEmpty }
    }
}
