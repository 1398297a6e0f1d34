public import StoregateCore

/// A USB HID scanner read through libusb: keyboard-wedge (boot keyboard) or HID POS (usage page 0x8C).
///
/// The source finds the first device that matches, detaches the kernel driver and claims the HID interface (so
/// the console and the POS no longer see its keystrokes), reads the report descriptor to tell HID POS from
/// keyboard, and reads reports with asynchronous transfers on one event thread. When the device goes away the scan
/// in progress is emitted incomplete and the source waits for the device to come back, without a restart: woken
/// by libusb's hot-plug callback where that works, else rescanning every ``rescanInterval`` (``USBDiscoveryMode``).
public struct USBHIDSource: ScanSource {
    public let name: String
    public let match: DeviceMatch
    public let configuration: LaneMapping
    /// The assignment from the spec's options, overriding the configuration.
    public let assignment: LaneAssignment?
    /// How the device is found again; by default what this machine supports (``USBDiscoveryMode/current()``).
    public var discovery: USBDiscoveryMode?
    public var rescanInterval: Duration = .milliseconds(200)
    /// Called with each state change (`opened …`, `gone …`, `hot-plug arrived …`, errors), for logs and
    /// `storegate listen`.
    public var onStatus: (@Sendable (String) -> Void)?

    public init(name: String, match: DeviceMatch, configuration: LaneMapping = LaneMapping(),
                assignment: LaneAssignment? = nil) {
        self.name = name
        self.match = match
        self.configuration = configuration
        self.assignment = assignment
    }

    public func run(emit: @Sendable (ScanEvent) async throws -> Void) async throws {
        let (mode, interval) = (self.discovery ?? .current(), self.rescanInterval)
        // Making the finder starts libusb (and its hot-plug thread); like every blocking libusb step here, off the pool.
        let finder = await BlockingCall.run { USBDeviceFinder(mode: mode, rescanInterval: interval) }
        do {
            try await self.find(with: finder, emit: emit)
        } catch {
            await BlockingCall.run { finder.close() }
            throw error
        }
        await BlockingCall.run { finder.close() }
    }

    private func find(with finder: USBDeviceFinder, emit: @Sendable (ScanEvent) async throws -> Void) async throws {
        self.onStatus?("finding \(self.match) by \(finder.mode)")
        var lastProblem: String?
        while !Task.isCancelled {
            let opened: USBOpenScanner
            do {
                let match = self.match
                switch try await BlockingCall.run({ () throws(USBError) in try finder.open(match) }) {
                case .scanner(let scanner):
                    opened = scanner
                case .absent:
                    try await finder.waitForArrival(of: self.match) { event in self.onStatus?("hot-plug \(event)") }
                    continue
                case .taken:
                    // Released devices make no hot-plug event: look again.
                    try await Task.sleep(for: self.rescanInterval)
                    continue
                }
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

    private func read(_ opened: USBOpenScanner, emit: @Sendable (ScanEvent) async throws -> Void) async throws {
        let connection = opened.connection
        let assignment = self.assignment ?? self.configuration.assignment(for: connection.identity)
        var decoder = connection.makeDecoder(assignment: assignment)
        let device = connection.deviceName
        self.onStatus?("opened \(device) as \(connection.modeName) lane=\(assignment.lane)")
        let (stream, continuation) = AsyncStream.makeStream(of: USBSessionEvent.self, bufferingPolicy: .bufferingOldest(65_536))
        let session = USBInterruptSession(events: opened.events, handle: connection.handle,
                                          interface: connection.interface) { event in
            if case .dropped = continuation.yield(event) {
                // The consumer fell 65,536 reports behind; a scan may miss bytes, so the next one is cut.
                continuation.yield(.gone(USBError(code: -99, operation: "buffering reports")))
            }
        }
        session.start()
        do {
            try await self.readReports(stream, decoder: &decoder, device: device, assignment: assignment, emit: emit)
        } catch {
            await Self.stop(session, continuation, opened)
            throw error
        }
        await Self.stop(session, continuation, opened)
    }

    /// Stops the transfers (waiting for libusb to hand them back), then releases the device: blocking, off the pool.
    private static func stop(_ session: USBInterruptSession, _ continuation: AsyncStream<USBSessionEvent>.Continuation,
                             _ opened: USBOpenScanner) async {
        await BlockingCall.run {
            session.stop()
            continuation.finish()
            opened.close()
        }
    }

    private func readReports(_ stream: AsyncStream<USBSessionEvent>, decoder: inout ReportScanDecoder,
                             device: String, assignment: LaneAssignment,
                             emit: @Sendable (ScanEvent) async throws -> Void) async throws {
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
