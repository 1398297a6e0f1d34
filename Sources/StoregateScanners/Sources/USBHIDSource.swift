public import StoregateCore

/// A USB HID scanner read through libusb: keyboard-wedge (boot keyboard) or HID POS (usage page 0x8C).
///
/// The source finds the first device that matches, detaches the kernel driver and claims the HID interface (so
/// the console and the POS no longer see its keystrokes), reads the report descriptor to tell HID POS from
/// keyboard, and reads reports with asynchronous transfers on one event thread. When the device goes away the scan
/// in progress is emitted incomplete and the source rescans every ``rescanInterval`` until it is back: a fresh
/// libusb context per rescan sees new devices even where libusb's hotplug cannot (no udevd).
public struct USBHIDSource: ScanSource {
    public let name: String
    public let match: DeviceMatch
    public let configuration: LaneMapping
    /// The assignment from the spec's options, overriding the configuration.
    public let assignment: LaneAssignment?
    public var rescanInterval: Duration = .milliseconds(200)
    /// Called with each state change (`opened …`, `gone …`, errors), for logs and `storegate listen`.
    public var onStatus: (@Sendable (String) -> Void)?

    public init(name: String, match: DeviceMatch, configuration: LaneMapping = LaneMapping(),
                assignment: LaneAssignment? = nil) {
        self.name = name
        self.match = match
        self.configuration = configuration
        self.assignment = assignment
    }

    public func run(emit: @Sendable (ScanEvent) async throws -> Void) async throws {
        var lastProblem: String?
        while !Task.isCancelled {
            let opened: USBHIDConnection
            do {
                guard let found = try USBHIDConnection.open(matching: self.match) else {
                    try await Task.sleep(for: self.rescanInterval)
                    continue
                }
                opened = found
            } catch let error as CancellationError {
                throw error
            } catch {
                let problem = "\(error)"
                if problem != lastProblem { self.onStatus?("error \(problem)") }
                lastProblem = problem
                try await Task.sleep(for: self.rescanInterval * 5)
                continue
            }
            lastProblem = nil
            try await self.read(opened, emit: emit)
        }
    }

    private func read(_ connection: USBHIDConnection, emit: @Sendable (ScanEvent) async throws -> Void) async throws {
        let assignment = self.assignment ?? self.configuration.assignment(for: connection.identity)
        var decoder = connection.makeDecoder(assignment: assignment)
        let device = connection.deviceName
        self.onStatus?("opened \(device) as \(connection.modeName) lane=\(assignment.lane)")
        let (stream, continuation) = AsyncStream.makeStream(of: USBSessionEvent.self, bufferingPolicy: .bufferingOldest(65_536))
        let session = USBInterruptSession(context: connection.context, handle: connection.handle,
                                          interface: connection.interface) { event in
            if case .dropped = continuation.yield(event) {
                // The consumer fell 65,536 reports behind; a scan may miss bytes, so the next one is cut.
                continuation.yield(.gone(USBError(code: -99, operation: "buffering reports")))
            }
        }
        defer {
            session.stop()
            continuation.finish()
            connection.close()
        }
        try session.start()
        func deliver(_ segments: [ScanSegment]) async throws {
            for segment in segments {
                try await emit(ScanEvent(segment: segment, device: device, assignment: assignment))
            }
        }
        for await event in stream {
            switch event {
            case .report(let bytes, let time):
                try await deliver(decoder.append(report: bytes, at: time))
            case .tick(let time):
                try await deliver(decoder.tick(at: time))
            case .gone(let error):
                self.onStatus?("gone \(device): \(error.codeName)")
                try await deliver(decoder.interrupt(at: SourceClock.now()))
                return
            }
        }
        // The stream ended because the task was cancelled: a scan in progress is not complete.
        try await deliver(decoder.interrupt(at: SourceClock.now()))
    }
}

extension ScanEvent {
    /// A segment from a device, placed on its lane.
    public init(segment: ScanSegment, device: String, assignment: LaneAssignment) {
        self.init(
            bytes: segment.bytes,
            symbology: segment.symbology,
            device: device,
            lane: assignment.lane,
            role: assignment.role,
            firstReport: segment.firstReport,
            lastReport: segment.lastReport,
            complete: segment.complete
        )
    }
}
