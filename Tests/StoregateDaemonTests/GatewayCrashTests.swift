import Foundation
import StoregateLedger
import StoregateTesting
import Testing

/// The real `storegate run` binary, SIGKILLed mid-drain again and again: nothing lost, order kept, duplicates
/// only of what was in flight or acknowledged but not yet marked.
@Suite(.serialized)
struct GatewayCrashTests {
    @Test func gatewayKilledMidDrainAndRestartedLosesNothing() async throws {
        let broker = try Broker(persistent: true)
        defer { broker.stop() }
        let work = try TemporaryDirectory(prefix: "storegate-crash")
        defer { work.remove() }
        let binary = try StoregateBinary.path()
        let db = work.file("ledger.sqlite")
        let initialise = try ChildProcess(executable: binary, arguments: ["ledger", "init", "--db", db, "--store-id", "S1", "--region", "EU-DE"])
        #expect(initialise.wait(seconds: 30) == 0)
        let total = 30_000
        try BulkOutbox.fill(ledgerPath: db, count: total)

        let subscriber = try EventCounter(port: broker.port)
        try await subscriber.waitUntilSubscribed()
        let log = work.file("gateway.log")
        for round in 0..<4 {
            let gateway = try ChildProcess(executable: binary, arguments: ["run", "--db", db, "--broker", broker.url, "--log-level", "warning"],
                                           stdoutFile: log, stderrFile: log)
            // Let it get going, then pull the plug while it drains.
            let before = subscriber.unique
            do {
                try await waitUntil("round \(round) progress", seconds: 60) { subscriber.unique > before + 500 || !gateway.isRunning }
            } catch {
                gateway.killNow()
                Issue.record("round \(round): no progress from \(before) unique events: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
                throw error
            }
            gateway.killNow()
            #expect(gateway.exitCode == Int32(128 + SIGKILL), "round \(round): \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        }
        #expect(subscriber.unique < total, "the kills happened mid-drain")
        let last = try ChildProcess(executable: binary, arguments: ["run", "--db", db, "--broker", broker.url, "--exit-when-drained", "--log-level", "warning"],
                                    stdoutFile: log, stderrFile: log)
        #expect(last.wait(seconds: 120) == 0, "\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        // The drained run also wrote the sales summary of the events before it.
        let length = Int(try Ledger(path: db).stats().journalLength)
        #expect(length == total + 1)
        try await waitUntil("all arrived", seconds: 30) { subscriber.unique == length }
        await subscriber.stop()

        #expect(subscriber.unique == length, "0 lost")
        // The backlog in order; the summary, written live at the last start, may overtake it.
        #expect(subscriber.firstArrivalsInOrder(upTo: Int64(total)), "first arrivals in sequence order")
        let duplicates = subscriber.arrivals - length
        // Per kill at most the window (100) in flight plus one batch of acknowledged-but-unmarked events (500).
        #expect(duplicates <= 4 * 600, "duplicates: \(duplicates)")
    }
}
