/// One scan cut out of a device's byte or report stream, before the source adds device, lane and role.
public struct ScanSegment: Sendable, Hashable {
    /// The scan's bytes without the terminator.
    public var bytes: [UInt8]
    /// The AIM identifier the transport carried beside the data (HID POS), if any.
    public var symbology: Symbology?
    /// A vendor's own symbology code carried beside the data (e.g. Honeywell Code ID, Newland's code byte), if any.
    public var vendorSymbology: UInt8?
    public var firstReport: Timestamp
    public var lastReport: Timestamp
    /// False when the scan was cut short: timeout before the terminator, unplug, truncated or oversized report.
    public var complete: Bool

    public init(
        bytes: [UInt8],
        symbology: Symbology? = nil,
        vendorSymbology: UInt8? = nil,
        firstReport: Timestamp,
        lastReport: Timestamp,
        complete: Bool
    ) {
        self.bytes = bytes
        self.symbology = symbology
        self.vendorSymbology = vendorSymbology
        self.firstReport = firstReport
        self.lastReport = lastReport
        self.complete = complete
    }
}
