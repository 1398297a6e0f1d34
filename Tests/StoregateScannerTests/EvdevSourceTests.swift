import Foundation
import Glibc
import StoregateCore
import StoregateScanners
import Synchronization
import Testing

/// `EvdevSource` reading `struct input_event` records as the kernel writes them (through a FIFO standing in for
/// `/dev/input/event*`; the USB lab covers the real device node and its grab).
@Suite struct EvdevSourceTests {
    /// One 24-byte `struct input_event` (64-bit Linux): a zero timeval, then type, code, value.
    static func event(type: UInt16, code: UInt16, value: Int32) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 16)
        bytes += [UInt8(type & 0xFF), UInt8(type >> 8), UInt8(code & 0xFF), UInt8(code >> 8)]
        let raw = UInt32(bitPattern: value)
        bytes += (0..<4).map { UInt8((raw >> (8 * $0)) & 0xFF) }
        return bytes
    }

    /// Press and release of each Linux key code, each followed by SYN_REPORT.
    static func typing(_ keyCodes: [UInt16]) -> [UInt8] {
        keyCodes.flatMap { code in
            Self.event(type: 1, code: code, value: 1) + Self.event(type: 0, code: 0, value: 0)
                + Self.event(type: 1, code: code, value: 0) + Self.event(type: 0, code: 0, value: 0)
        }
    }

    @Test func droppedEventsMakeTheScanIncompleteAndTheNextScanWorks() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("storegate-evdev-\(UUID().uuidString)").path
        #expect(mkfifo(path, 0o600) == 0)
        defer { unlink(path) }
        let scans = Mutex<[ScanEvent]>([])
        let source = EvdevSource(name: "test", path: path, assignment: LaneAssignment(lane: "ev"))
        let task = Task { try await source.run { event in scans.withLock { $0.append(event) } } }

        let writer = open(path, O_WRONLY)  // blocks until the source has opened its end
        #expect(writer >= 0)
        // KEY_1 KEY_2, the kernel's buffer overflows (SYN_DROPPED, then a key state that must be ignored up to the
        // next SYN_REPORT), KEY_3 KEY_4 ENTER; then a clean scan KEY_5 KEY_6 ENTER.
        let bytes = Self.typing([2, 3]) + Self.event(type: 0, code: 3, value: 0) + Self.event(type: 1, code: 30, value: 1)
            + Self.event(type: 0, code: 0, value: 0) + Self.typing([4, 5, 28]) + Self.typing([6, 7, 28])
        #expect(bytes.withUnsafeBytes { write(writer, $0.baseAddress, $0.count) } == bytes.count)
        close(writer)

        let deadline = Date().addingTimeInterval(10)
        while scans.withLock({ $0.count }) < 2 && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        let seen = scans.withLock { $0 }
        #expect(seen.map { String(decoding: $0.bytes, as: UTF8.self) } == ["1234", "56"])
        #expect(seen.map(\.complete) == [false, true], "a scan that lost keystrokes is never complete")

        // Stop the source. After our end closed it reopens the FIFO, which blocks until a writer appears: be one.
        task.cancel()
        let unblock = open(path, O_RDWR)
        _ = try? await task.value
        close(unblock)
    }
}
