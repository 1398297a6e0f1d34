/// Where a HID POS bar code scanner (usage page 0x8C) puts the parts of a scanned-data report, found in its report
/// descriptor rather than assumed: vendors differ (Honeywell sends a 3-byte AIM identifier and its own Code ID;
/// Newland-style layouts carry no AIM field and a vendor symbology byte instead).
public struct HIDPOSReportLayout: Sendable, Hashable {
    /// The input report that carries decoded data (0 when the descriptor uses no report IDs).
    public var reportID: UInt8
    /// Whether reports start with the report ID byte.
    public var hasReportIDByte: Bool
    /// Generic Desktop Byte Count: how many data bytes of this report are valid. Without it, data ends at the first NUL.
    public var byteCount: HIDBitField?
    /// Symbology Identifier 1...3 (0x8C:0xFB...0xFD): the AIM identifier characters, in order.
    public var symbologyIdentifier: [HIDBitField]
    /// First byte (within the data after the report ID) and capacity of Decoded Data (0x8C:0xFE).
    public var dataByteOffset: Int
    public var dataCapacity: Int
    /// The first 8-bit element on a vendor-defined page: the vendor's symbology code (Honeywell Code ID, Newland).
    public var vendorSymbology: HIDBitField?
    /// Decode Data Continued (0x8C:0xFF): set while more reports of the same scan follow.
    public var continued: HIDBitField?

    /// Locates the scanned-data fields; throws when the descriptor has no byte-aligned Decoded Data input field.
    public init(descriptor: HIDReportDescriptor) throws(HIDDescriptorError) {
        guard let dataField = descriptor.fields.first(where: { field in
            field.direction == .input && field.reportSize == 8 && (0..<field.reportCount).contains { element in
                field.usage(ofElement: element) == .decodedData
            }
        }) else {
            throw HIDDescriptorError(offset: 0, message: "no input field with usage Decoded Data (0x8C:0xFE) and 8-bit elements: not a HID POS scanner descriptor")
        }
        guard dataField.bitOffset % 8 == 0 else {
            throw HIDDescriptorError(offset: 0, message: "Decoded Data starts at bit \(dataField.bitOffset), not on a byte boundary")
        }
        self.reportID = dataField.reportID
        self.hasReportIDByte = descriptor.usesReportIDs
        // Decoded Data is usually one buffered-bytes field; with several usages only the 0xFE elements count.
        let dataElements = (0..<dataField.reportCount).filter { dataField.usage(ofElement: $0) == .decodedData }
        let firstElement = dataElements.first ?? 0
        self.dataByteOffset = dataField.bitOffset / 8 + firstElement
        self.dataCapacity = (dataElements.last ?? firstElement) - firstElement + 1
        self.byteCount = nil
        self.symbologyIdentifier = []
        self.vendorSymbology = nil
        self.continued = nil
        for field in descriptor.fields(ofReport: dataField.reportID, direction: .input) where !field.isConstant {
            for element in 0..<field.reportCount {
                guard let usage = field.usage(ofElement: element) else { continue }
                let place = HIDBitField(bitOffset: field.bitOffset + element * field.reportSize, bitWidth: field.reportSize)
                switch usage {
                case .byteCount where self.byteCount == nil:
                    self.byteCount = place
                case .symbologyIdentifier1, .symbologyIdentifier2, .symbologyIdentifier3:
                    if field.reportSize == 8, self.symbologyIdentifier.count < 3 { self.symbologyIdentifier.append(place) }
                case .decodeDataContinued where self.continued == nil:
                    self.continued = place
                case _ where usage.isVendorDefined && field.reportSize == 8 && self.vendorSymbology == nil:
                    self.vendorSymbology = place
                default:
                    continue
                }
            }
        }
    }

    /// The length in bytes a complete scanned-data report has, including the report ID byte.
    public func minimumReportLength(descriptor: HIDReportDescriptor) -> Int {
        descriptor.reportLength(ofReport: self.reportID, direction: .input)
    }
}
