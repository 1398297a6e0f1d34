import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A blocking TCP connection to a port on 127.0.0.1, for tests that speak HTTP to the real server.
public final class LoopbackSocket: Sendable {
    let fd: Int32

    /// `receiveBufferBytes`: set before connecting (so the advertised window stays small), for a client that
    /// means to fall behind.
    public init(port: Int, receiveBufferBytes: Int? = nil, timeoutSeconds: Int = 20) throws {
        self.fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard self.fd >= 0 else { throw ChildProcess.SpawnError(message: "socket() failed") }
        if var bytes = receiveBufferBytes.map(Int32.init) {
            setsockopt(self.fd, SOL_SOCKET, SO_RCVBUF, &bytes, socklen_t(MemoryLayout<Int32>.size))
        }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(self.fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(self.fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            Glibc.close(self.fd)
            throw ChildProcess.SpawnError(message: "connect to 127.0.0.1:\(port) failed: errno \(errno)")
        }
    }

    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(self.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { throw ChildProcess.SpawnError(message: "send failed: errno \(errno)") }
            offset += written
        }
    }

    /// Up to 64 KiB; empty at end of stream or on timeout.
    public func receive() -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = buffer.withUnsafeMutableBytes { recv(self.fd, $0.baseAddress, $0.count, 0) }
        return count > 0 ? Array(buffer[..<count]) : []
    }

    /// Wakes a thread blocked in ``receive()``.
    public func shutdown() {
        _ = Glibc.shutdown(self.fd, Int32(SHUT_RDWR))
    }

    deinit {
        Glibc.close(self.fd)
    }
}
