import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A real mosquitto broker for a test: its own directory, an explicit config on a free loopback port, started
/// and waited for until it listens. Queue limits are set explicitly: mosquitto's default (1000 queued QoS 1
/// messages per client) silently drops messages for a subscriber that falls behind (FACTS.md).
public final class Broker: Sendable {
    public let port: Int
    public let directory: TemporaryDirectory
    public let configFile: String
    /// The running mosquitto; replaced by ``start()`` after a ``terminate()``.
    private let process = Mutex<ChildProcess?>(nil)

    /// `extraConfig` is appended to the config (ACLs, a TLS listener, …); `listener` false leaves the plain
    /// listener out (for a TLS-only broker whose listener `extraConfig` declares on ``port``).
    /// `persistent`: keep sessions and queued messages across ``terminate()``/``start()`` (saved at shutdown).
    public init(extraConfig: String = "", plainListener: Bool = true, persistent: Bool = false) throws {
        self.directory = try TemporaryDirectory(prefix: "storegate-broker")
        self.port = try Self.freePort()
        self.configFile = self.directory.file("mosquitto.conf")
        // Started as root, mosquitto drops to the `mosquitto` user: it must be able to write its log and
        // persistence file here (a private temporary directory).
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: self.directory.path)
        var config = """
            per_listener_settings false
            allow_anonymous true
            persistence \(persistent ? "true" : "false")
            persistence_location \(self.directory.path)/
            max_queued_messages 0
            max_queued_bytes 0
            max_inflight_messages 0
            log_dest file \(self.directory.file("mosquitto.log"))
            log_type error
            log_type warning
            log_type notice

            """
        if plainListener { config += "listener \(self.port) 127.0.0.1\n" }
        config += extraConfig.replacingOccurrences(of: "{PORT}", with: String(self.port)) + "\n"
        try config.write(toFile: self.configFile, atomically: true, encoding: .utf8)
        try self.start()
    }

    /// `mqtt://127.0.0.1:PORT`.
    public var url: String { "mqtt://127.0.0.1:\(self.port)" }

    public static var executable: String {
        for candidate in ["/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"]
            where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return "mosquitto"
    }

    /// Starts (or restarts) the broker and waits until it accepts TCP connections.
    public func start() throws {
        let process = try ChildProcess(
            executable: Self.executable, arguments: ["-c", self.configFile],
            stdoutFile: self.directory.file("stdout.log"), stderrFile: self.directory.file("stderr.log"))
        self.process.withLock { $0 = process }
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if Self.canConnect(port: self.port) { return }
            if !process.isRunning {
                let log = (try? String(contentsOfFile: self.directory.file("mosquitto.log"), encoding: .utf8)) ?? ""
                throw ChildProcess.SpawnError(message: "mosquitto exited at start: \(log)")
            }
            usleep(20_000)
        }
        throw ChildProcess.SpawnError(message: "mosquitto did not listen on port \(self.port) within 10 s")
    }

    /// Kills the broker at once (SIGKILL: no goodbye to clients, like a crash or a cut cable).
    public func kill() {
        let process = self.process.withLock { $0 }
        process?.killNow()
    }

    /// Stops the broker with SIGTERM (it saves its persistence file) and waits for it.
    public func terminate() {
        let process = self.process.withLock { $0 }
        process?.signal(SIGTERM)
        if process?.wait(seconds: 10) == nil { process?.killNow() }
    }

    /// Stops the broker and removes its directory.
    public func stop() {
        self.kill()
        self.directory.remove()
    }

    /// A broker no test stopped goes with its last reference, as a `PostgresServer` does (before, a whole test run
    /// left about 190 mosquittos running).
    deinit {
        self.stop()
    }

    public var log: String {
        (try? String(contentsOfFile: self.directory.file("mosquitto.log"), encoding: .utf8)) ?? ""
    }

    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ChildProcess.SpawnError(message: "socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw ChildProcess.SpawnError(message: "bind() failed") }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    public static func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return result == 0
    }
}
