import Foundation
import StoregateTesting
import Testing

/// What the gateway leaves on disk is for the storegate group only: the ledger `storegate ledger init` created from
/// a technician's shell (umask 022) and the status file the daemon rewrites at every heartbeat.
@Suite(.serialized)
struct GatewayFileModeTests {
    static func mode(_ path: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { return "missing" }
        return String(info.st_mode & 0o777, radix: 8)
    }

    @Test func theLedgerAndTheStatusFileAreNotWorldReadable() throws {
        let previous = umask(0o022)
        defer { umask(previous) }
        let binary = try StoregateBinary.path()
        let work = try TemporaryDirectory(prefix: "storegate-modes")
        defer { work.remove() }
        let broker = try Broker()
        defer { broker.stop() }
        let db = work.file("ledger.sqlite")
        #expect(try StoregateCommand.run(["ledger", "init", "--db", db, "--store-id", "S1", "--region", "EU-DE"]).status == 0)
        #expect(Self.mode(db) == "640")

        let log = work.file("gateway.log")
        let gateway = try ChildProcess(executable: binary, arguments: ["run", "--db", db, "--broker", broker.url, "--exit-when-drained",
                                                                       "--log-level", "warning"], stdoutFile: log, stderrFile: log)
        #expect(gateway.wait(seconds: 60) == 0, "\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        #expect(Self.mode(db + ".status.json") == "640")
        #expect(Self.mode(db) == "640")
    }
}
