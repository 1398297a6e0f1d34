import StoregateCore
import StoregateScanners
import Synchronization
import Testing

@Suite struct ReplayAndCaptureTests {
    /// Runs a source to its end and collects what it emitted.
    func collect(_ source: some ScanSource) async throws -> [ScanEvent] {
        let events = Mutex<[ScanEvent]>([])
        try await source.run { event in events.withLock { $0.append(event) } }
        return events.withLock { $0 }
    }

    @Test func replayLinesBecomeScansWithGSAndLane() async throws {
        let text = "# morning\n]d201095060001343521A{GS}17211231\r\n\n{x02}X{gs}Y\n"
        let source = ReplaySource(name: "replay:t", text: text, assignment: LaneAssignment(lane: "7", role: .redemption))
        let events = try await self.collect(source)
        #expect(events.map(\.bytes) == [Array("]d201095060001343521A\u{1D}17211231".utf8), [0x02, 0x58, 0x1D, 0x59]])
        #expect(events.allSatisfy { $0.lane == "7" && $0.role == .redemption && $0.complete && $0.device == "replay:t" })
    }

    @Test func replayOfAReportCaptureDecodesLikeTheDevice() async throws {
        let text = """
            #!storegate-capture kind=keyboard layout=de
            0.000 0000300000000000
            0.001 0000000000000000
            0.002 0100300000000000
            0.003 0000000000000000
            0.004 00001c0000000000
            0.400 00001d0000000000
            """
        let events = try await self.collect(ReplaySource(name: "replay:c", text: text, assignment: LaneAssignment()))
        // '+' then Ctrl+'+' (GS) then z; a pause, then y never terminated.
        #expect(events.map(\.bytes) == [Array("+\u{1D}z".utf8), Array("y".utf8)])
        #expect(events.map(\.complete) == [false, false])
        #expect(events[0].lastReport.milliseconds - events[0].firstReport.milliseconds == 4)
    }

    @Test func captureLinesTakeTimesCommentsAndSpacedHex() throws {
        let capture = try ReportCapture(parsing: "#!storegate-capture kind=keyboard layout=fr\r\n12.5 00 00 04\r\n# note\n0000 05 # tail\n")
        #expect(capture.header == ["kind": "keyboard", "layout": "fr"])
        #expect(capture.reports == [
            ReportCapture.Report(milliseconds: 12_500, bytes: [0, 0, 4]),
            ReportCapture.Report(milliseconds: nil, bytes: [0, 0, 5]),
        ])
    }

    @Test func badCaptureLinesNameTheirLine() {
        #expect {
            try ReportCapture(parsing: "0000\n00zz\n")
        } throws: { error in
            "\(error)" == "capture line 2: '00zz' is not hex bytes"
        }
        #expect(throws: ReportCapture.FormatError.self) { try ReportCapture(parsing: "1.x 0000\n") }
    }

    @Test func aHIDPOSCaptureNeedsItsDescriptor() {
        let capture = try? ReportCapture(parsing: "#!storegate-capture kind=hidpos\n0200\n")
        #expect(capture != nil)
        #expect(throws: ReportCapture.FormatError.self) {
            try ReplaySource.decoder(for: capture!, assignment: LaneAssignment())
        }
    }
}
