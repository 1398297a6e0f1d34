import Synchronization
#if canImport(Glibc)
internal import Glibc
#endif
import StoregateCore

/// What a ``FileDescriptorReader`` hands to async code.
enum FileDescriptorEvent: Sendable {
    case data([UInt8], Timestamp)
    /// Nothing arrived for ~50 ms.
    case tick(Timestamp)
    /// End of file (replay, stdin, a pipe closed).
    case end
    /// read() failed: the device went away (ENODEV on unplug) or something else; the reader is over.
    case failed(Int32)
}

/// Reads a file descriptor on its own thread (poll with a 50 ms timeout, so stop is seen promptly) and hands the
/// bytes to async code through a stream. Used for evdev, serial ports and stdin.
final class FileDescriptorReader: Sendable {
    private let descriptor: Int32
    private let stopRequested = Atomic<Bool>(false)
    private let thread = Mutex<JoinableThread?>(nil)
    let events: AsyncStream<FileDescriptorEvent>
    private let continuation: AsyncStream<FileDescriptorEvent>.Continuation

    init(descriptor: Int32) {
        self.descriptor = descriptor
        (self.events, self.continuation) = AsyncStream.makeStream(of: FileDescriptorEvent.self, bufferingPolicy: .bufferingOldest(65_536))
    }

    func start() {
        let thread = JoinableThread { [self] in self.loop() }
        self.thread.withLock { $0 = thread }
    }

    func stop() {
        self.stopRequested.store(true, ordering: .releasing)
        self.thread.withLock { $0.take() }?.join()
        self.continuation.finish()
    }

    private func loop() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var poller = pollfd(fd: self.descriptor, events: Int16(POLLIN), revents: 0)
        while !self.stopRequested.load(ordering: .acquiring) {
            poller.revents = 0
            let ready = poll(&poller, 1, 50)
            if ready < 0 {
                if errno == EINTR { continue }
                self.continuation.yield(.failed(errno))
                break
            }
            if ready == 0 {
                self.continuation.yield(.tick(SourceClock.now()))
                continue
            }
            let count = read(self.descriptor, &buffer, buffer.count)
            if count > 0 {
                self.continuation.yield(.data(Array(buffer.prefix(count)), SourceClock.now()))
            } else if count == 0 {
                self.continuation.yield(.end)
                break
            } else if errno != EINTR && errno != EAGAIN {
                self.continuation.yield(.failed(errno))
                break
            }
        }
        self.continuation.finish()
    }
}

/// An error opening or configuring a device node, in the technician's words.
public struct DeviceFileError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var operation: String
    public var errno: Int32
    public var hint: String?

    public var description: String {
        let reason = String(cString: strerror(self.errno))
        return "\(self.path): \(self.operation) failed: \(reason)" + (self.hint.map { "; \($0)" } ?? "")
    }

    static func opening(_ path: String, errno code: Int32, group: String) -> DeviceFileError {
        let hint: String?
        switch code {
        case EACCES, EPERM:
            hint = "add the udev rule devices/udev/60-storegate.rules and put the service user in group \(group)"
        case ENOENT:
            hint = "no such device: is the scanner plugged in? (storegate devices lists what is connected)"
        default:
            hint = nil
        }
        return DeviceFileError(path: path, operation: "opening", errno: code, hint: hint)
    }
}
