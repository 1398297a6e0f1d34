/// Cuts typed bytes into scans by terminator or pause: a state machine fed bytes with their arrival times.
///
/// Empty scans (a terminator right after another, e.g. the LF of CR LF) are dropped.
public struct ScanSegmenter: Sendable {
    public let segmentation: ScanSegmentation
    private var buffer: [UInt8] = []
    private var first = Timestamp(milliseconds: 0)
    private var last = Timestamp(milliseconds: 0)
    /// True after an oversized scan was cut: the rest up to the next terminator is dropped.
    private var discarding = false
    /// True after the input lost events (evdev's SYN_DROPPED): the scan being typed has a hole, so it ends
    /// incomplete at its terminator. If the loss fell between scans, the next one may have lost its start, so it
    /// is tainted too — unless a pause longer than the inter-key timeout shows a new scan began afterwards.
    private var tainted = false

    public init(segmentation: ScanSegmentation) {
        self.segmentation = segmentation
        self.buffer.reserveCapacity(128)
    }

    /// Whether part of a scan is waiting for its terminator or pause.
    public var hasPendingScan: Bool { !self.buffer.isEmpty }

    /// Takes the bytes of one report (possibly none) that arrived at `time`; returns the scans it finished.
    public mutating func append(_ bytes: some Collection<UInt8>, at time: Timestamp) -> [ScanSegment] {
        var finished = self.tick(at: time)
        if bytes.isEmpty { return finished }
        for byte in bytes {
            if self.segmentation.terminators.contains(byte) {
                self.last = time
                if let scan = self.take(complete: !self.discarding && !self.tainted) { finished.append(scan) }
                self.discarding = false
                self.tainted = false
            } else if self.discarding {
                self.last = time
            } else {
                if self.buffer.isEmpty { self.first = time }
                self.buffer.append(byte)
                self.last = time
                if self.buffer.count >= self.segmentation.maximumLength {
                    if let scan = self.take(complete: false) { finished.append(scan) }
                    self.discarding = true
                }
            }
        }
        return finished
    }

    /// Ends the scan in progress if no report came for longer than the inter-key timeout.
    public mutating func tick(at now: Timestamp) -> [ScanSegment] {
        guard self.discarding || self.tainted || !self.buffer.isEmpty,
            now.milliseconds - self.last.milliseconds > self.segmentation.interKeyTimeoutMilliseconds
        else { return [] }
        defer {
            self.discarding = false
            self.tainted = false
        }
        return self.take(complete: self.segmentation.timeoutCompletesScan && !self.tainted).map { [$0] } ?? []
    }

    /// Some input was lost at `time` (the kernel dropped events): whatever scan is being typed cannot be trusted.
    public mutating func lost(at time: Timestamp) {
        self.tainted = true
        self.last = time
    }

    /// The device went away: the scan in progress, if any, is reported incomplete.
    public mutating func interrupt(at now: Timestamp) -> [ScanSegment] {
        self.discarding = false
        self.tainted = false
        return self.take(complete: false).map { [$0] } ?? []
    }

    private mutating func take(complete: Bool) -> ScanSegment? {
        guard !self.buffer.isEmpty else { return nil }
        defer { self.buffer.removeAll(keepingCapacity: true) }
        return ScanSegment(bytes: self.buffer, firstReport: self.first, lastReport: self.last, complete: complete)
    }
}
