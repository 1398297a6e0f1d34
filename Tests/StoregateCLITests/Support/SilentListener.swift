import Foundation
import StoregateTesting
#if canImport(Glibc)
import Glibc
#endif

/// A TCP port on loopback that accepts connections (the kernel completes the handshake) and never says a word: a
/// broker behind a firewall that swallows MQTT, or one that hangs.
final class SilentListener {
    let port: Int
    private let descriptor: Int32

    init() throws {
        self.port = try Broker.freePort()
        self.descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(self.port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(self.descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard self.descriptor >= 0, bound == 0, listen(self.descriptor, 8) == 0 else {
            throw ChildProcess.SpawnError(message: "cannot listen on 127.0.0.1:\(self.port)")
        }
    }

    func close() {
        _ = Glibc.close(self.descriptor)
    }
}
