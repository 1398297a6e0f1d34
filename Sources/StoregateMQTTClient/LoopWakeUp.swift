import Foundation
import Synchronization

/// Wakes the MQTT loop thread out of `poll` from any thread: a non-blocking pipe whose read end the loop polls
/// next to the broker socket. At most one byte is pending however often it is signalled.
final class LoopWakeUp: Sendable {
    let readEnd: Int32
    private let writeEnd: Int32
    private let pending = Atomic<Bool>(false)

    init() throws(MQTTError) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            throw MQTTError(.configuration, "cannot create the MQTT loop's wake-up pipe: \(String(cString: strerror(errno)))")
        }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        self.readEnd = ends[0]
        self.writeEnd = ends[1]
    }

    deinit {
        close(self.readEnd)
        close(self.writeEnd)
    }

    func signal() {
        guard !self.pending.exchange(true, ordering: .acquiringAndReleasing) else { return }
        var byte: UInt8 = 1
        _ = write(self.writeEnd, &byte, 1)
    }

    /// On the loop thread, after `poll` reported the read end readable.
    func consume() {
        self.pending.store(false, ordering: .releasing)
        var buffer = (UInt64(0), UInt64(0))
        _ = withUnsafeMutableBytes(of: &buffer) { read(self.readEnd, $0.baseAddress, $0.count) }
    }
}
