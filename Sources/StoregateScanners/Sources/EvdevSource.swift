#if canImport(Glibc)
internal import Glibc
#endif
public import StoregateCore

/// A keyboard-wedge scanner read through the kernel's input layer (`/dev/input/event*`), grabbed with EVIOCGRAB so
/// its keystrokes reach only storegate. Key events are turned back into boot reports and decoded like USB ones.
public struct EvdevSource: ScanSource {
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

    /// `_IOW('E', 0x90, int)`.
    static let grabRequest: UInt = 0x4004_4590

    public func run(emit: @Sendable (ScanEvent) async throws -> Void) async throws {
        var decoder = ReportScanDecoder.keyboard(layout: self.assignment.layout, segmentation: self.assignment.segmentation)
        var lastProblem: String?
        while !Task.isCancelled {
            let descriptor = open(self.path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                let problem = DeviceFileError.opening(self.path, errno: errno, group: DeviceNodeProbe.inputGroup)
                if "\(problem)" != lastProblem { self.onStatus?("error \(problem)") }
                lastProblem = "\(problem)"
                try await Task.sleep(for: self.reopenInterval)
                continue
            }
            lastProblem = nil
            if ioctl(descriptor, Self.grabRequest, 1) != 0 {
                self.onStatus?("error \(self.path): EVIOCGRAB failed (\(String(cString: strerror(errno)))): another program has grabbed it; its keystrokes also reach the console")
            }
            self.onStatus?("opened evdev:\(self.path) lane=\(self.assignment.lane)")
            let reader = FileDescriptorReader(descriptor: descriptor)
            defer {
                reader.stop()
                close(descriptor)
            }
            reader.start()
            var keyboard = EvdevKeyboardState()
            var skippingToReport = false
            var pending: [UInt8] = []
            let device = "evdev:\(self.path)"
            func deliver(_ segments: [ScanSegment]) async throws {
                for segment in segments {
                    try await emit(ScanEvent(segment: segment, device: device, assignment: self.assignment))
                }
            }
            for await event in reader.events {
                switch event {
                case .data(let bytes, let time):
                    pending.append(contentsOf: bytes)
                    var offset = 0
                    while pending.count - offset >= InputEvent.size {
                        let event = InputEvent(pending, at: offset)
                        offset += InputEvent.size
                        if event.type == InputEvent.synchronization {
                            if event.code == InputEvent.eventsDropped {
                                // The kernel's buffer overflowed: keystrokes are missing from what we read. Until
                                // the next SYN_REPORT the events are not a consistent state either (evdev's rule).
                                decoder.lost(at: time)
                                keyboard = EvdevKeyboardState()
                                skippingToReport = true
                            } else if event.code == InputEvent.report {
                                skippingToReport = false
                            }
                            continue
                        }
                        guard event.type == InputEvent.key, !skippingToReport,
                              let report = keyboard.apply(code: event.code, value: event.value) else { continue }
                        try await deliver(decoder.append(report: Self.bytes(of: report), at: time))
                    }
                    pending.removeFirst(offset)
                case .tick(let time):
                    try await deliver(decoder.tick(at: time))
                case .end, .failed:
                    break
                }
            }
            self.onStatus?("gone \(device)")
            try await deliver(decoder.interrupt(at: SourceClock.now()))
            try await Task.sleep(for: self.reopenInterval)
        }
    }

    static func bytes(of report: BootKeyboardReport) -> [UInt8] {
        var bytes: [UInt8] = [report.modifiers.rawValue, 0, 0, 0, 0, 0, 0, 0]
        for (index, key) in report.keys.prefix(6).enumerated() { bytes[2 + index] = key }
        return bytes
    }
}
