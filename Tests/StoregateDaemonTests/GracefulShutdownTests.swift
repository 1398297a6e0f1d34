import Foundation
import StoregateContract
import StoregateLedger
import StoregateTesting
import Testing

/// The real `storegate run` under SIGTERM, as systemd stops it: the scan in hand is finished and answered, PUBACKs
/// received are marked, a clean `offline` status replaces the Last Will, and READY/WATCHDOG/STOPPING reach the
/// `$NOTIFY_SOCKET`.
@Suite(.serialized)
struct GracefulShutdownTests {
    @Test func sigtermFinishesTheScanInHandFlushesMarksSaysOfflineAndExitsZero() async throws {
        let broker = try Broker()
        defer { broker.stop() }
        let work = try TemporaryDirectory(prefix: "storegate-sigterm")
        defer { work.remove() }
        let binary = try StoregateBinary.path()
        let db = work.file("ledger.sqlite")
        let initialise = try ChildProcess(executable: binary, arguments: ["ledger", "init", "--db", db, "--store-id", "S1", "--region", "EU-DE"])
        #expect(initialise.wait(seconds: 30) == 0)
        // More scans than can be decided before the SIGTERM: the replay is cut off mid-way.
        let total = 20_000
        let replay = work.file("scans.txt")
        try (1...total).map { "01/09506000134352/21/S\($0)" }.joined(separator: "\n").write(toFile: replay, atomically: true, encoding: .utf8)

        let subscriber = try EventCounter(port: broker.port)
        try await subscriber.waitUntilSubscribed()
        let notify = try NotifySocketListener(path: work.file("notify.sock"))
        defer { notify.stop() }
        let answers = work.file("answers.txt")
        let log = work.file("gateway.log")
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = notify.path
        environment["WATCHDOG_USEC"] = "200000"
        let gateway = try ChildProcess(
            executable: binary,
            arguments: ["run", "--db", db, "--broker", broker.url, "--source", "replay:\(replay)", "--role", "checkout", "--log-level", "info"],
            environment: environment, stdoutFile: answers, stderrFile: log)
        defer { gateway.killNow() }

        try await waitUntil("READY=1", seconds: 30) { notify.hasReceived("READY=1") || !gateway.isRunning }
        try await waitUntil("200 answers", seconds: 30) { Self.answerCount(answers) >= 200 || !gateway.isRunning }
        try await waitUntil("a watchdog ping", seconds: 10) { notify.hasReceived("WATCHDOG=1") }
        gateway.signal(SIGTERM)
        let exit = gateway.wait(seconds: 30)
        let gatewayLog = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(exit == 0, "exit \(String(describing: exit)): \(gatewayLog)")

        // The scan in hand: every committed event was answered, and nothing was answered that is not committed.
        let ledger = try Ledger(path: db)
        let stats = try ledger.stats()
        #expect(Int(stats.journalLength) == Self.answerCount(answers))
        #expect(stats.journalLength < total, "SIGTERM came mid-replay")
        #expect(try ledger.check().isOK)

        // Marks flushed: everything marked delivered reached HQ, and at most a window's worth reached HQ unmarked.
        let delivered = Int(stats.journalLength) - stats.outboxUndelivered
        #expect(delivered > 0)
        try await waitUntil("marked events at the subscriber", seconds: 10) { subscriber.unique >= delivered }
        #expect(subscriber.unique - delivered <= 100, "unique \(subscriber.unique), marked \(delivered)")
        await subscriber.stop()
        try ledger.close()

        // A clean DISCONNECT: the retained status is our own offline status, not the Last Will.
        let status = try Self.retainedStatus(port: broker.port, directory: work)
        #expect(status.contains("\"state\":\"offline\""), "\(status)")
        #expect(!status.contains("Last Will"), "\(status)")

        try await waitUntil("STOPPING=1", seconds: 5) { notify.hasReceived("STOPPING=1") }
        let messages = notify.messages
        let ready = messages.firstIndex { $0.hasPrefix("READY=1") }
        let stopping = messages.firstIndex { $0.hasPrefix("STOPPING=1") }
        #expect(ready != nil && stopping != nil && ready! < stopping!, "\(messages)")
    }

    static func answerCount(_ file: String) -> Int {
        ((try? String(contentsOfFile: file, encoding: .utf8)) ?? "").split(separator: "\n").filter { $0.contains("[event ") }.count
    }

    /// The retained message on the gateway's status topic, read with `mosquitto_sub`.
    static func retainedStatus(port: Int, directory: TemporaryDirectory) throws -> String {
        let output = directory.file("status.json")
        let sub = try ChildProcess(
            executable: "mosquitto_sub",
            arguments: ["-p", String(port), "-V", "mqttv5", "-t", TopicScheme.storeFilter(.status, storeID: "S1"), "-C", "1", "-W", "5"],
            stdoutFile: output)
        sub.wait(seconds: 10)
        return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }
}
