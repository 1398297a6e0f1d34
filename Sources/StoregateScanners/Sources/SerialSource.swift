#if canImport(Glibc)
internal import Glibc
#endif
public import StoregateCore

/// A serial scanner (USB CDC-ACM `/dev/ttyACM*`, USB-serial `/dev/ttyUSB*`): raw termios, bytes cut into scans by
/// the suffix (CR/LF by default). The port is reopened after the device goes away (ENODEV, EIO on unplug).
public struct SerialSource: ScanSource {
    public let name: String
    public let path: String
    public let assignment: LaneAssignment
    public var reopenInterval: Duration = .milliseconds(200)
    public var onStatus: (@Sendable (String) -> Void)?

    public init(name: String, path: String, assignment: LaneAssignment) {
        self.name = name
        self.path = path
        self.assignment = assignment
    }

    public func run(emit: @Sendable (ScanEvent) async throws -> Void) async throws {
        var lastProblem: String?
        while !Task.isCancelled {
            let descriptor: Int32
            do {
                descriptor = try self.openRaw()
            } catch {
                if "\(error)" != lastProblem { self.onStatus?("error \(error)") }
                lastProblem = "\(error)"
                try await Task.sleep(for: self.reopenInterval)
                continue
            }
            lastProblem = nil
            self.onStatus?("opened serial:\(self.path) lane=\(self.assignment.lane)")
            let reader = FileDescriptorReader(descriptor: descriptor)
            defer {
                reader.stop()
                close(descriptor)
            }
            reader.start()
            var segmenter = ScanSegmenter(segmentation: self.assignment.segmentation)
            let device = "serial:\(self.path)"
            func deliver(_ segments: [ScanSegment]) async throws {
                for segment in segments {
                    try await emit(ScanEvent(segment: segment, device: device, assignment: self.assignment))
                }
            }
            for await event in reader.events {
                switch event {
                case .data(let bytes, let time): try await deliver(segmenter.append(bytes, at: time))
                case .tick(let time): try await deliver(segmenter.tick(at: time))
                case .end, .failed: break
                }
            }
            self.onStatus?("gone \(device)")
            try await deliver(segmenter.interrupt(at: SourceClock.now()))
            try await Task.sleep(for: self.reopenInterval)
        }
    }

    /// Opens the port without making it the controlling terminal, in raw mode (no echo, no line editing, no CR/LF
    /// translation), so bytes arrive exactly as the scanner sent them.
    private func openRaw() throws -> Int32 {
        let descriptor = open(self.path, O_RDONLY | O_NOCTTY | O_CLOEXEC)
        guard descriptor >= 0 else { throw DeviceFileError.opening(self.path, errno: errno, group: DeviceNodeProbe.serialGroup) }
        var settings = termios()
        if tcgetattr(descriptor, &settings) == 0 {
            cfmakeraw(&settings)
            settings.c_cc.6 = 1  // VMIN: return as soon as one byte is there
            settings.c_cc.5 = 0  // VTIME: no inter-byte timer
            _ = tcsetattr(descriptor, TCSANOW, &settings)
        }
        return descriptor
    }
}
