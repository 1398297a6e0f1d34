public import Foundation
import Synchronization
#if canImport(Glibc)
public import Glibc
#endif

/// A child process started with `posix_spawn` and an empty signal mask. `Foundation.Process` started from a
/// Swift task inherits libdispatch's blocked SIGTERM/SIGINT (FACTS.md), so a daemon under test could never see
/// the SIGTERM a graceful-shutdown test sends it.
public final class ChildProcess: Sendable {
    public let pid: pid_t
    public let executable: String
    /// Set once the child has been reaped (so its pid is never waited for, or signalled, again).
    private let exitStatus = Mutex<Int32?>(nil)

    /// Starts `executable` with `arguments`; stdout and stderr go to the given files (appended) or /dev/null.
    public init(executable: String, arguments: [String], environment: [String: String]? = nil,
                stdoutFile: String? = nil, stderrFile: String? = nil) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutFile ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrFile ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o644)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let env = environment ?? ProcessInfo.processInfo.environment
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawnp(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw SpawnError(message: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        self.pid = pid
        self.executable = executable
    }

    public struct SpawnError: Error, CustomStringConvertible {
        public var message: String
        public init(message: String) { self.message = message }
        public var description: String { self.message }
    }

    public func signal(_ signal: Int32) {
        if self.isRunning { kill(self.pid, signal) }
    }

    /// True until the child has exited (and been reaped).
    public var isRunning: Bool {
        self.exitStatus.withLock { exitStatus in
            if exitStatus != nil { return false }
            var status: Int32 = 0
            let result = waitpid(self.pid, &status, WNOHANG)
            if result == self.pid {
                exitStatus = Self.decode(status)
                return false
            }
            return result == 0
        }
    }

    /// Waits up to `seconds` for the child to exit; its exit code (128+signal when killed), or nil on timeout.
    @discardableResult
    public func wait(seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if !self.isRunning { return self.exitCode }
            usleep(10_000)
        }
        return self.isRunning ? nil : self.exitCode
    }

    public var exitCode: Int32? {
        self.exitStatus.withLock { $0 }
    }

    /// SIGKILL and reap.
    public func killNow() {
        self.signal(SIGKILL)
        self.wait(seconds: 10)
    }

    private static func decode(_ status: Int32) -> Int32 {
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }
}
