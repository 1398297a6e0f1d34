#if canImport(Glibc)
import Glibc
#endif
import StoregateCore
@testable import StoregateScanners
import Synchronization
import Testing

/// The uinput writer: the bytes it writes are `struct input_event`s a reader decodes back into the scan, the typist
/// types scans whole and in order, and a keyboard that cannot be made or written is reported, never half-typed
/// silently.
@Suite struct UInputKeyboardTests {
    /// Records what would have been written to the virtual keyboard, one `send` (a report) per element.
    final class RecordingSink: KeyEventSink {
        let reports = Mutex<[[EvdevKeyEvent]]>([])
        /// Fail the send with this index (0-based), once.
        let failAt: Int?
        init(failAt: Int? = nil) { self.failAt = failAt }

        func send(_ events: [EvdevKeyEvent]) throws(DeviceFileError) {
            let index = self.reports.withLock { reports in
                reports.append(events)
                return reports.count - 1
            }
            if index == self.failAt { throw DeviceFileError(path: "test", operation: "writing a key event", errno: ENODEV) }
        }

        var events: [EvdevKeyEvent] { self.reports.withLock { $0.flatMap { $0 } } }
    }

    static func chords(_ text: String, _ format: PassThroughFormat = PassThroughFormat()) throws -> [KeyChord] {
        try format.keys(typing: Array(text.utf8)).get()
    }

    @Test func inputEventsAreTwentyFourLittleEndianBytesAndReadBack() {
        let event = InputEvent(.key(code: 0x1234, pressed: true))
        #expect(event.bytes == [UInt8](repeating: 0, count: 16) + [0x01, 0x00, 0x34, 0x12, 0x01, 0x00, 0x00, 0x00])
        #expect(InputEvent(event.bytes, at: 0) == event)
        let negative = InputEvent(type: 3, code: 0x35, value: -2)
        #expect(InputEvent([0xAA] + negative.bytes, at: 1) == negative)
        #expect(InputEvent(.synchronize) == InputEvent(type: 0, code: 0, value: 0))
    }

    @Test func theSetupStructNamesAVirtualDevice() {
        let setup = UInputKeyboard.setupBytes(name: "storegate pass-through")
        #expect(setup.count == 92)
        #expect(setup[0] == 0x06 && setup[1] == 0)  // BUS_VIRTUAL
        #expect(Array(setup[8..<30]) == Array("storegate pass-through".utf8))
        #expect(setup[30] == 0)
        // A long name is cut so that it stays NUL-terminated.
        #expect(UInputKeyboard.setupBytes(name: String(repeating: "n", count: 200))[87] == 0)
    }

    @Test func bytesWrittenToADescriptorDecodeBackToTheScan() throws {
        let scan = "]d2010950600013435221ABC\u{1D}10LOT7"
        let events = try #require(EvdevKeyboardState.events(typing: try Self.chords(scan)))
        var pipe: [Int32] = [0, 0]
        #expect(Glibc.pipe(&pipe) == 0)
        defer { close(pipe[0]) }
        let bytes = events.flatMap { InputEvent($0).bytes }
        try UInputKeyboard.write(bytes, to: pipe[1], path: "pipe")
        close(pipe[1])
        var read: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = Glibc.read(pipe[0], &buffer, buffer.count)
            guard count > 0 else { break }
            read += buffer.prefix(count)
        }
        #expect(read.count == events.count * InputEvent.size)
        let decoded = stride(from: 0, to: read.count, by: InputEvent.size).map { InputEvent(read, at: $0) }
        #expect(decoded == events.map(InputEvent.init))
        let keys = decoded.compactMap { $0.type == InputEvent.key ? EvdevKeyEvent.key(code: $0.code, pressed: $0.value == 1) : nil }
        #expect(PassThroughTypingTests.decodeAsEvdev(keys, layout: .us) == Array((scan + "\r").utf8))
    }

    @Test func aMissingUInputDeviceIsReportedWithTheFix() {
        let error = #expect(throws: DeviceFileError.self) { _ = try UInputKeyboard(path: "/nonexistent/uinput") }
        #expect(error?.description.contains("modprobe uinput") == true, "\(String(describing: error))")
    }

    @Test(.enabled(if: access("/dev/uinput", W_OK) == 0, "needs a writable /dev/uinput"))
    func aRealVirtualKeyboardIsCreatedWithAnEventNode() throws {
        let keyboard = try UInputKeyboard(name: "storegate test keyboard")
        #expect(keyboard.eventNode?.hasPrefix("/dev/input/event") == true)
        try keyboard.send([.key(code: 30, pressed: true), .synchronize])
        try keyboard.send([.key(code: 30, pressed: false), .synchronize])
    }

    @Test func theTypistTypesScansWholeAndInOrder() async throws {
        let sink = RecordingSink()
        let statuses = Mutex<[String]>([])
        let typist = PassThroughTypist(makeSink: { sink }, onStatus: { line in statuses.withLock { $0.append(line) } })
        #expect(typist.type(try Self.chords("FIRST1"), lane: "1", keyDelay: .zero))
        #expect(typist.type(try Self.chords("second\u{1D}2", PassThroughFormat(layout: .de, groupSeparator: .altKeypad)), lane: "2", keyDelay: .microseconds(100)))
        typist.drain()
        #expect(typist.counters == PassThroughTypist.Counters(typed: 2, failed: 0, dropped: 0))
        // Every send is one report: ends with SYN_REPORT, one key change in it.
        for report in sink.reports.withLock({ $0 }) {
            #expect(report.count == 2 && report.last == .synchronize)
        }
        let events = sink.events
        let firstEnd = try #require(events.firstIndex(of: .key(code: 28, pressed: false)))  // Enter released
        let first = Array(events[...firstEnd])
        #expect(PassThroughTypingTests.decodeAsEvdev(first, layout: .us) == Array("FIRST1\r".utf8))
        #expect(PassThroughTypingTests.decodeAsEvdev(Array(events[(firstEnd + 1)...]), layout: .de) == Array("second\u{1D}2\r".utf8))
        #expect(statuses.withLock { $0 }.isEmpty)
    }

    @Test func aWriteThatFailsReleasesTheKeysAndIsCountedAndReported() async throws {
        let sink = RecordingSink(failAt: 3)
        let statuses = Mutex<[String]>([])
        let typist = PassThroughTypist(makeSink: { sink }, onStatus: { line in statuses.withLock { $0.append(line) } })
        typist.type(try Self.chords("AB"), lane: "1", keyDelay: .zero)
        typist.drain()
        #expect(typist.counters.failed == 1 && typist.counters.typed == 0)
        #expect(statuses.withLock { $0 }.contains { $0.contains("typing failed after 6 of") && $0.contains("the till may have part of the scan") })
        // After the failure, every key the scan presses is released (Enter, a, Shift, b), then a report.
        let last = sink.reports.withLock { $0.last ?? [] }
        #expect(last == [28, 30, 42, 48].map { .key(code: $0, pressed: false) } + [.synchronize])
    }

    @Test func noKeyboardMeansNotTypedAndCreationIsTriedAgainLater() async throws {
        let attempts = Atomic<Int>(0)
        let statuses = Mutex<[String]>([])
        let typist = PassThroughTypist(makeSink: { () throws(DeviceFileError) -> any KeyEventSink in
            attempts.add(1, ordering: .relaxed)
            throw DeviceFileError(path: "/dev/uinput", operation: "opening", errno: ENOENT, hint: "load the uinput module")
        }, onStatus: { line in statuses.withLock { $0.append(line) } })
        typist.type(try Self.chords("A"), lane: "7", keyDelay: .zero)
        typist.type(try Self.chords("B"), lane: "7", keyDelay: .zero)
        typist.drain()
        #expect(typist.counters == PassThroughTypist.Counters(typed: 0, failed: 2, dropped: 0))
        // Made at start, not again within the retry interval.
        #expect(attempts.load(ordering: .relaxed) == 1)
        let lines = statuses.withLock { $0 }
        #expect(lines.first == "pass-through keyboard cannot be created: /dev/uinput: opening failed: No such file or directory; load the uinput module")
        #expect(lines.filter { $0 == "lane 7: pass-through: not typed: no virtual keyboard" }.count == 2)
    }

    @Test func aStuckKeyboardDropsScansBeyondTheQueueLimit() async throws {
        let open = BlockingGate()
        let typist = PassThroughTypist(makeSink: { open.sink }, onStatus: { _ in })
        let chords = try Self.chords("1")
        var accepted = 0
        for _ in 0..<(PassThroughTypist.maxPending + 5) where typist.type(chords, lane: "1", keyDelay: .zero) { accepted += 1 }
        open.release()
        typist.drain()
        #expect(accepted == PassThroughTypist.maxPending)
        #expect(typist.counters == PassThroughTypist.Counters(typed: PassThroughTypist.maxPending, failed: 0, dropped: 5))
    }
}

/// A sink whose sends wait until ``release()``.
final class BlockingGate: Sendable {
    private let open = Atomic<Bool>(false)

    var sink: any KeyEventSink { Sink(gate: self) }

    func release() { self.open.store(true, ordering: .releasing) }

    private final class Sink: KeyEventSink {
        let gate: BlockingGate
        init(gate: BlockingGate) { self.gate = gate }
        func send(_ events: [EvdevKeyEvent]) throws(DeviceFileError) {
            while !self.gate.open.load(ordering: .acquiring) { usleep(1_000) }
        }
    }
}
