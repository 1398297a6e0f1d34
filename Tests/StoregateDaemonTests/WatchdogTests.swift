import Foundation
import StoregateTesting
import Testing

/// The watchdog ping vouches for progress: the real `storegate run` under a `$NOTIFY_SOCKET` stops pinging while
/// its ledger's write lock is held by another process (a stuck writer, as far as the gateway can tell), says why in
/// STATUS, and pings again once the lock is let go.
@Suite(.serialized)
struct WatchdogTests {
    @Test func aLedgerWhoseWriterCannotWriteWithholdsThePingUntilItCan() async throws {
        let broker = try Broker()
        defer { broker.stop() }
        let work = try TemporaryDirectory(prefix: "storegate-watchdog")
        defer { work.remove() }
        let binary = try StoregateBinary.path()
        let db = work.file("ledger.sqlite")
        let initialise = try ChildProcess(executable: binary, arguments: ["ledger", "init", "--db", db, "--store-id", "S1", "--region", "EU-DE"])
        #expect(initialise.wait(seconds: 30) == 0)
        let notify = try NotifySocketListener(path: work.file("notify.sock"))
        defer { notify.stop() }
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = notify.path
        environment["WATCHDOG_USEC"] = "1000000"  // a ping every 0.5 s; stuck means over 2 s
        let log = work.file("gateway.log")
        let gateway = try ChildProcess(executable: binary, arguments: ["run", "--db", db, "--broker", broker.url],
                                       environment: environment, stderrFile: log)
        defer { gateway.killNow() }
        let gatewayLog = { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        try await waitUntil("pings", seconds: 30) { notify.messages.filter { $0.hasPrefix("WATCHDOG=1") }.count >= 3 || !gateway.isRunning }
        #expect(!notify.messages.contains { $0.contains("stuck") }, "\(notify.messages)")

        // Another process holds the write lock for 7 s: longer than the ledger's 5 s busy timeout.
        try """
            import sqlite3, sys, time
            connection = sqlite3.connect(sys.argv[1], isolation_level=None)
            connection.execute("BEGIN EXCLUSIVE")
            print("locked", flush=True)
            time.sleep(7)
            connection.execute("COMMIT")
            print("released", flush=True)
            """.write(toFile: work.file("lock.py"), atomically: true, encoding: .utf8)
        let lockLog = work.file("lock.log")
        let locker = try ChildProcess(executable: "python3", arguments: [work.file("lock.py"), db], stdoutFile: lockLog)
        defer { locker.killNow() }
        let lockSays = { (try? String(contentsOfFile: lockLog, encoding: .utf8)) ?? "" }
        try await waitUntil("the lock taken", seconds: 10) { lockSays().contains("locked") }
        let beforeLock = notify.messages.count

        try await waitUntil("the stall reported", seconds: 10) { notify.messages.dropFirst(beforeLock).contains { $0.contains("stuck") } }
        try await waitUntil("the lock let go", seconds: 15) { lockSays().contains("released") }
        let duringLock = Array(notify.messages.dropFirst(beforeLock))
        let firstStuck = try #require(duringLock.firstIndex { $0.contains("stuck") })
        #expect(duringLock[firstStuck].contains("ledger writer"), "\(duringLock)")
        // From the first stall on, no ping while the lock was held.
        #expect(!duringLock[firstStuck...].contains { $0.hasPrefix("WATCHDOG=1") }, "\(duringLock)")
        #expect(duringLock[firstStuck...].count { $0.contains("stuck") } >= 2, "\(duringLock)")

        let afterRelease = notify.messages.count
        try await waitUntil("pings again", seconds: 15) { notify.messages.dropFirst(afterRelease).contains { $0.hasPrefix("WATCHDOG=1") } }
        #expect(gatewayLog().contains("watchdog not pinged: ledger writer"), "\(gatewayLog())")
        #expect(gatewayLog().contains("every part moves again"), "\(gatewayLog())")
        gateway.signal(SIGTERM)
        #expect(gateway.wait(seconds: 30) == 0, "\(gatewayLog())")
    }
}
