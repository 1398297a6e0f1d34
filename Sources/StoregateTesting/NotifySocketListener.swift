public import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A test-owned `$NOTIFY_SOCKET`: a unix datagram socket bound to a path, read on its own thread, collecting every
/// `sd_notify` message a daemon under test sends (`READY=1`, `WATCHDOG=1`, `STOPPING=1`…), in arrival order.
public final class NotifySocketListener: Sendable {
    public let path: String
    private let fd: Int32
    private let received = Mutex<[String]>([])
    private let stopped = Atomic<Bool>(false)

    public init(path: String) throws {
        self.path = path
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ChildProcess.SpawnError(message: "socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw ChildProcess.SpawnError(message: "notify socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else {
            close(fd)
            throw ChildProcess.SpawnError(message: "bind \(path): \(String(cString: strerror(errno)))")
        }
        // A receive timeout lets the reader thread notice stop() without closing the fd under it.
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        self.fd = fd
        let thread = Thread { [self] in self.readLoop() }
        thread.name = "notify-listener"
        thread.start()
    }

    /// Every message so far, one entry per datagram.
    public var messages: [String] { self.received.withLock { $0 } }

    /// True when some datagram has a line equal to `assignment` (e.g. `READY=1`).
    public func hasReceived(_ assignment: String) -> Bool {
        self.messages.contains { $0.split(separator: "\n").contains(Substring(assignment)) }
    }

    public func stop() {
        guard !self.stopped.exchange(true, ordering: .sequentiallyConsistent) else { return }
        usleep(200_000)
        close(self.fd)
        unlink(self.path)
    }

    private func readLoop() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !self.stopped.load(ordering: .sequentiallyConsistent) {
            let count = buffer.withUnsafeMutableBytes { recv(self.fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                let text = String(decoding: buffer[0..<count], as: UTF8.self)
                self.received.withLock { $0.append(text) }
            }
        }
    }
}
