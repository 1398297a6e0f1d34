/// Turns one device's raw reports into scans, whatever kind of scanner it is: the one state machine a USB or evdev
/// source drives, and what `storegate decode` and the replay of report captures use.
public struct ReportScanDecoder: Sendable {
    // Stored as optionals rather than an enum with payloads: mutating an enum payload copies its arrays per report.
    /// Keyboard-wedge: boot keyboard reports typed through a layout, cut by terminator or pause.
    public private(set) var keyboard: KeyboardWedgeDecoder?
    private var segmenter: ScanSegmenter
    /// HID POS: scanned-data reports joined across Decode Data Continued.
    public private(set) var reassembler: HIDPOSReassembler?
    private var typed: [UInt8] = []

    /// A keyboard-wedge decoder for `layout` and `segmentation`.
    public static func keyboard(layout: KeyboardLayout, segmentation: ScanSegmentation = .enter) -> ReportScanDecoder {
        ReportScanDecoder(keyboard: KeyboardWedgeDecoder(layout: layout), segmentation: segmentation, reassembler: nil)
    }

    /// A HID POS decoder for the scanner whose report descriptor is `descriptor`.
    public static func hidPOS(descriptor: HIDReportDescriptor) throws(HIDDescriptorError) -> ReportScanDecoder {
        let reassembler = HIDPOSReassembler(layout: try HIDPOSReportLayout(descriptor: descriptor))
        return ReportScanDecoder(keyboard: nil, segmentation: .enter, reassembler: reassembler)
    }

    private init(keyboard: KeyboardWedgeDecoder?, segmentation: ScanSegmentation, reassembler: HIDPOSReassembler?) {
        self.keyboard = keyboard
        self.segmenter = ScanSegmenter(segmentation: segmentation)
        self.reassembler = reassembler
        self.typed.reserveCapacity(16)
    }

    /// Whether part of a scan has arrived and the rest has not.
    public var hasPendingScan: Bool {
        self.reassembler?.hasPendingScan ?? self.segmenter.hasPendingScan
    }

    /// Takes one report that arrived at `time`; returns the scans it finished (usually none or one).
    public mutating func append(report: some Collection<UInt8>, at time: Timestamp) -> [ScanSegment] {
        if self.reassembler != nil {
            return self.reassembler?.append(report: report, at: time) ?? []
        }
        self.typed.removeAll(keepingCapacity: true)
        self.keyboard?.decode(report, into: &self.typed)
        return self.segmenter.append(self.typed, at: time)
    }

    /// Time passes without reports: a keyboard scan waiting longer than the inter-key timeout ends, and so does a
    /// HID POS scan whose continuation report is overdue.
    public mutating func tick(at time: Timestamp) -> [ScanSegment] {
        if self.reassembler != nil {
            return self.reassembler?.tick(at: time) ?? []
        }
        return self.segmenter.tick(at: time)
    }

    /// Keyboard input was lost (evdev's SYN_DROPPED): held keys are forgotten and the scan being typed — or, if
    /// the loss fell between scans, the next one — ends incomplete.
    public mutating func lost(at time: Timestamp) {
        self.keyboard?.reset()
        self.segmenter.lost(at: time)
    }

    /// The device went away: a scan in progress ends incomplete and held keys are forgotten.
    public mutating func interrupt(at time: Timestamp) -> [ScanSegment] {
        if self.reassembler != nil {
            return self.reassembler?.interrupt(at: time) ?? []
        }
        self.keyboard?.reset()
        return self.segmenter.interrupt(at: time)
    }
}

extension ReportScanDecoder {
    /// Decodes a whole capture: report times drive the inter-key timeout (lines without a time keep the previous
    /// one), and a scan still open at the end is returned incomplete.
    public mutating func decode(_ capture: ReportCapture, origin: Timestamp = Timestamp(milliseconds: 0)) -> [ScanSegment] {
        var segments: [ScanSegment] = []
        var clock = origin.milliseconds
        for report in capture.reports {
            if let milliseconds = report.milliseconds { clock = origin.milliseconds + milliseconds }
            let time = Timestamp(milliseconds: clock)
            segments += self.tick(at: time)
            segments += self.append(report: report.bytes, at: time)
        }
        segments += self.interrupt(at: Timestamp(milliseconds: clock))
        return segments
    }
}
