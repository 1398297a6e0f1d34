/// Joins HID POS scanned-data reports into scans: a state machine fed raw reports as they arrive.
///
/// A scan longer than one report arrives as several reports with Decode Data Continued set on all but the last.
/// Reports of other IDs (trigger, status) are ignored. A report too short for the layout, a scan longer than
/// ``maximumLength`` or an unplug in the middle ends the scan incomplete. So does a continued scan whose next report
/// does not come: a scanner sends a scan's reports back to back, so after ``continuationTimeoutMilliseconds`` without
/// one, or when a report carries another AIM identifier than the scan's first, the scan is over (incomplete) and
/// that report starts the next one — never joined to the broken scan.
public struct HIDPOSReassembler: Sendable {
    public let layout: HIDPOSReportLayout
    /// The longest scan kept; 8 KiB is far more than any symbology holds (a QR code: 7,089 digits).
    public let maximumLength: Int
    /// How long a continued scan waits for its next report. Reports of one scan come a few ms apart; a person needs
    /// far longer than this to present the next code.
    public let continuationTimeoutMilliseconds: Int64
    private var data: [UInt8] = []
    private var symbology: Symbology?
    private var vendorSymbology: UInt8?
    private var first = Timestamp(milliseconds: 0)
    private var last = Timestamp(milliseconds: 0)
    private var pending = false

    public init(layout: HIDPOSReportLayout, maximumLength: Int = 8192, continuationTimeoutMilliseconds: Int64 = 500) {
        self.layout = layout
        self.maximumLength = max(1, maximumLength)
        self.continuationTimeoutMilliseconds = max(1, continuationTimeoutMilliseconds)
    }

    /// Whether a continued scan is waiting for its next report.
    public var hasPendingScan: Bool { self.pending }

    /// Takes one report as read from the interrupt endpoint (report ID byte first if the device uses IDs).
    public mutating func append(report: some Collection<UInt8>, at time: Timestamp) -> [ScanSegment] {
        let bytes = Array(report)
        var body = bytes[...]
        if self.layout.hasReportIDByte {
            guard let id = bytes.first, id == self.layout.reportID else { return [] }
            body = bytes.dropFirst()
        }
        if self.pending, self.hasTimedOut(at: time) || self.startsAnotherScan(body) {
            // A continued scan that never got its last report ends before this report starts the next scan.
            let ended = self.finish(at: self.last, complete: false)
            return ended + self.take(body, at: time)
        }
        return self.take(body, at: time)
    }

    /// Time passes without reports: a continued scan whose next report is overdue ends incomplete.
    public mutating func tick(at time: Timestamp) -> [ScanSegment] {
        self.pending && self.hasTimedOut(at: time) ? self.finish(at: self.last, complete: false) : []
    }

    private func hasTimedOut(at time: Timestamp) -> Bool {
        time.milliseconds - self.last.milliseconds > self.continuationTimeoutMilliseconds
    }

    /// Whether a report that should continue the pending scan names another symbology (vendors repeat the AIM
    /// identifier in every report of a scan; a report without one proves nothing).
    private func startsAnotherScan(_ body: ArraySlice<UInt8>) -> Bool {
        guard let pending = self.symbology, let reported = self.readSymbology(body) else { return false }
        return reported != pending
    }

    /// One scanned-data report (without its ID byte) of the current scan.
    private mutating func take(_ body: ArraySlice<UInt8>, at time: Timestamp) -> [ScanSegment] {
        self.last = time
        guard body.count >= self.layout.dataByteOffset + 1 else {
            return self.finish(at: time, complete: false)
        }
        if !self.pending {
            self.first = time
            self.symbology = self.readSymbology(body)
            self.vendorSymbology = self.layout.vendorSymbology?.value(in: body).map { UInt8(truncatingIfNeeded: $0) }
            self.pending = true
        }
        let available = min(self.layout.dataCapacity, body.count - self.layout.dataByteOffset)
        let dataStart = body.startIndex + self.layout.dataByteOffset
        let count: Int
        if let byteCountField = self.layout.byteCount {
            guard let declared = byteCountField.value(in: body) else { return self.finish(at: time, complete: false) }
            guard Int(declared) <= available else {
                // The report claims more data than it carries: take what is there, never accept it.
                self.data.append(contentsOf: body[dataStart..<(dataStart + available)])
                return self.finish(at: time, complete: false)
            }
            count = Int(declared)
        } else {
            count = body[dataStart..<(dataStart + available)].firstIndex(of: 0).map { $0 - dataStart } ?? available
        }
        self.data.append(contentsOf: body[dataStart..<(dataStart + count)])
        if self.data.count > self.maximumLength {
            self.data.removeLast(self.data.count - self.maximumLength)
            return self.finish(at: time, complete: false)
        }
        let continued: Bool
        if let field = self.layout.continued {
            guard let flag = field.value(in: body) else { return self.finish(at: time, complete: false) }
            continued = flag & 1 == 1
        } else {
            continued = false
        }
        return continued ? [] : self.finish(at: time, complete: true)
    }

    /// The device went away: a continued scan waiting for its next report ends incomplete.
    public mutating func interrupt(at time: Timestamp) -> [ScanSegment] {
        self.pending ? self.finish(at: time, complete: false) : []
    }

    private mutating func finish(at time: Timestamp, complete: Bool) -> [ScanSegment] {
        defer {
            self.data.removeAll(keepingCapacity: true)
            self.symbology = nil
            self.vendorSymbology = nil
            self.pending = false
        }
        if complete && self.data.isEmpty { return [] }
        guard self.pending || !self.data.isEmpty else {
            // A truncated first report: report it so the gap is visible, with no data.
            return complete ? [] : [ScanSegment(bytes: [], firstReport: time, lastReport: time, complete: false)]
        }
        return [
            ScanSegment(
                bytes: self.data,
                symbology: self.symbology,
                vendorSymbology: self.vendorSymbology,
                firstReport: self.first,
                lastReport: time,
                complete: complete
            )
        ]
    }

    private func readSymbology(_ body: ArraySlice<UInt8>) -> Symbology? {
        guard self.layout.symbologyIdentifier.count == 3 else { return nil }
        var characters: [UInt8] = []
        for field in self.layout.symbologyIdentifier {
            guard let value = field.value(in: body) else { return nil }
            characters.append(UInt8(truncatingIfNeeded: value))
        }
        // Scanners that send no identifier for a symbology leave the field zero.
        guard characters[0] == UInt8(ascii: "]"), characters.allSatisfy({ $0 >= 0x21 && $0 < 0x7F }) else { return nil }
        return Symbology(identifier: String(decoding: characters, as: UTF8.self))
    }
}
