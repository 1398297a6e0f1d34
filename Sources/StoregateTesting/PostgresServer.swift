import Foundation

/// A real PostgreSQL 15 server for a test, in its own directory on a free loopback port, made and started by
/// `scripts/postgres-private.sh` (the demo uses the same script): initdb as an unprivileged user, trust
/// authentication for the user `storegate`, the database `storegate_hq`.
public final class PostgresServer: Sendable {
    public let port: Int
    public let directory: TemporaryDirectory
    public let user = "storegate"
    public let database = "storegate_hq"

    public init() throws {
        self.directory = try TemporaryDirectory(prefix: "storegate-pg")
        // The server user must reach its directory inside ours.
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: self.directory.path)
        self.port = try Broker.freePort()
        try self.control("start", String(self.port))
    }

    /// The package's root, found from this file's place in it.
    public static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    private var dataDirectory: String { self.directory.file("pg") }

    /// Starts it again after ``stop()`` or ``crash()``.
    public func start() throws { try self.control("start", String(self.port)) }

    /// A clean shutdown.
    public func stop() throws { try self.control("stop") }

    /// An immediate shutdown: like a crash, no checkpoint; recovery replays the WAL at the next start.
    public func crash() throws { try self.control("kill") }

    /// Runs SQL through psql and returns its unaligned, tuples-only output (for checks the test makes on its own).
    public func psql(_ sql: String) throws -> String {
        let output = self.directory.file("psql-\(UUID().uuidString).out")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let process = try ChildProcess(
            executable: "/usr/lib/postgresql/15/bin/psql",
            arguments: ["-h", "127.0.0.1", "-p", String(self.port), "-U", self.user, "-d", self.database, "-tAq",
                        "-v", "ON_ERROR_STOP=1", "-c", sql],
            stdoutFile: output, stderrFile: output)
        let status = process.wait(seconds: 60)
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        guard status == 0 else { throw ChildProcess.SpawnError(message: "psql failed (\(status.map(String.init) ?? "timeout")): \(text)") }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    deinit {
        try? self.control("kill")
        self.directory.remove()
    }

    /// Runs the script (posix_spawn, not Foundation.Process: a Process started from a task is never reaped when
    /// libdispatch blocks SIGCHLD's wake-up, FACTS.md); output to a file, since the server would hold a pipe open.
    private func control(_ arguments: String...) throws {
        let log = self.directory.file("control.log")
        let process = try ChildProcess(
            executable: "/bin/bash",
            arguments: ["\(Self.packageRoot)/scripts/postgres-private.sh", arguments[0], self.dataDirectory] + arguments.dropFirst(),
            stdoutFile: log, stderrFile: log)
        let status = process.wait(seconds: 120)
        guard status == 0 else {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw ChildProcess.SpawnError(message: "postgres-private.sh \(arguments.joined(separator: " ")) failed: \(text)")
        }
    }
}
