import StoregateCore
import StoregateScanners
import Testing

/// Every `Fixtures/captures/NAME.hex` decodes to exactly `NAME.expected` (see make-captures.py for how they were made).
@Suite struct GoldenCaptureTests {
    @Test func theGoldenCapturesAreAllThere() {
        #expect(Fixtures.captureNames().count >= 20)
    }

    @Test(arguments: Fixtures.captureNames())
    func captureDecodesToExpectedScans(name: String) throws {
        let capture = try ReportCapture(parsing: Fixtures.text("\(name).hex"))
        var decoder = try ReplaySource.decoder(for: capture, assignment: LaneAssignment())
        let lines = decoder.decode(capture).map { segment in
            "\(segment.complete ? "complete" : "incomplete")\t\(segment.symbology?.identifier ?? "-")\t"
                + ScanLineFormat.escape(segment.bytes)
        }
        let expected = try Fixtures.text("\(name).expected").split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast().map(String.init)
        #expect(lines == expected, "capture \(name)")
    }
}
