/// A parsed HID report descriptor: every Input, Output and Feature field with its place in its report.
///
/// Parsing is strict about structure (balanced collections, bounded sizes) and lenient about the rest, so that a
/// device's descriptor can be inspected even when it is odd; see ``HIDReportDescriptorParser`` for the limits.
public struct HIDReportDescriptor: Sendable, Hashable {
    public var fields: [HIDReportField]
    /// Usages of the top-level (application) collections, e.g. 0x8C:0x02 Bar Code Scanner, 0x01:0x06 Keyboard.
    public var applications: [HIDUsage]
    /// Whether reports start with a report ID byte.
    public var usesReportIDs: Bool

    /// Parses `bytes`; throws ``HIDDescriptorError`` naming the offending byte.
    public init(parsing bytes: [UInt8]) throws(HIDDescriptorError) {
        self = try HIDReportDescriptorParser.parse(bytes)
    }

    init(fields: [HIDReportField], applications: [HIDUsage], usesReportIDs: Bool) {
        self.fields = fields
        self.applications = applications
        self.usesReportIDs = usesReportIDs
    }

    /// The fields of one report, in order.
    public func fields(ofReport reportID: UInt8, direction: HIDReportField.Direction) -> [HIDReportField] {
        self.fields.filter { $0.reportID == reportID && $0.direction == direction }
    }

    /// The length in bytes of a report as it arrives, including the report ID byte if the descriptor uses IDs.
    public func reportLength(ofReport reportID: UInt8, direction: HIDReportField.Direction) -> Int {
        let bits = self.fields(ofReport: reportID, direction: direction).map { $0.bitOffset + $0.bitLength }.max() ?? 0
        return (bits + 7) / 8 + (self.usesReportIDs ? 1 : 0)
    }

    /// Whether this is a boot-compatible keyboard: an application collection Generic Desktop Keyboard (0x01:0x06).
    public var isKeyboard: Bool { self.applications.contains(HIDUsage(page: 0x01, id: 0x06)) }
    /// Whether this is a HID POS bar code scanner: an application collection on usage page 0x8C.
    public var isBarCodeScanner: Bool { self.applications.contains { $0.page == HIDUsage.barCodeScannerPage } }
}
