/// The item-by-item interpreter behind ``HIDReportDescriptor/init(parsing:)`` (HID 1.11 §6.2.2).
///
/// Limits that keep hostile descriptors harmless: at most 64 KiB of descriptor, 32 nested collections, 16 pushed
/// global states, report sizes up to 256 bits, counts up to 8192, and 64 KiB (in bits: 524,288) per report.
enum HIDReportDescriptorParser {
    static let maximumDescriptorLength = 65_536
    static let maximumCollectionDepth = 32
    static let maximumPushDepth = 16
    static let maximumReportSize = 256
    static let maximumReportCount = 8192
    static let maximumReportBits = 65_536 * 8
    static let maximumUsagesPerField = 1024

    struct GlobalState: Hashable {
        var usagePage: UInt16 = 0
        var logicalMinimum: Int32 = 0
        var logicalMaximum: Int32 = 0
        var reportSize = 0
        var reportCount = 0
        var reportID: UInt8 = 0
    }

    struct ReportKey: Hashable {
        var direction: HIDReportField.Direction
        var reportID: UInt8
    }

    static func parse(_ bytes: [UInt8]) throws(HIDDescriptorError) -> HIDReportDescriptor {
        guard bytes.count <= self.maximumDescriptorLength else {
            throw HIDDescriptorError(offset: 0, message: "descriptor of \(bytes.count) bytes is longer than 64 KiB")
        }
        var reader = HIDItemReader(bytes)
        var global = GlobalState()
        var stack: [GlobalState] = []
        var usages: [HIDReportField.UsageItem] = []
        var usageMinimum: UInt32?
        var collections: [HIDUsage] = []
        var applications: [HIDUsage] = []
        var fields: [HIDReportField] = []
        var bitsUsed: [ReportKey: Int] = [:]
        var sawReportID = false

        /// A usage of size 1 or 2 bytes takes the current usage page; of 4 bytes it carries its own.
        func usage(_ item: HIDItem) -> HIDUsage {
            item.size == 4
                ? HIDUsage(extended: item.unsignedValue)
                : HIDUsage(page: global.usagePage, id: UInt16(truncatingIfNeeded: item.unsignedValue))
        }

        while let item = try reader.next() {
            switch (item.kind, item.tag) {
            case (.main, 0x8), (.main, 0x9), (.main, 0xB):
                let direction: HIDReportField.Direction = item.tag == 0x8 ? .input : item.tag == 0x9 ? .output : .feature
                let key = ReportKey(direction: direction, reportID: global.reportID)
                let offset = bitsUsed[key, default: 0]
                let length = global.reportSize * global.reportCount
                guard offset + length <= self.maximumReportBits else {
                    throw HIDDescriptorError(offset: item.offset, message: "report \(global.reportID) grows past 64 KiB")
                }
                bitsUsed[key] = offset + length
                fields.append(
                    HIDReportField(
                        direction: direction,
                        reportID: global.reportID,
                        bitOffset: offset,
                        reportSize: global.reportSize,
                        reportCount: global.reportCount,
                        flags: item.unsignedValue,
                        logicalMinimum: global.logicalMinimum,
                        logicalMaximum: global.logicalMaximum,
                        usages: usages,
                        collections: collections
                    )
                )
                usages = []
                usageMinimum = nil
            case (.main, 0xA):
                guard collections.count < self.maximumCollectionDepth else {
                    throw HIDDescriptorError(offset: item.offset, message: "collections nested deeper than 32")
                }
                let collectionUsage: HIDUsage
                if case .single(let first) = usages.first {
                    collectionUsage = first
                } else {
                    collectionUsage = HIDUsage(page: global.usagePage, id: 0)
                }
                if collections.isEmpty { applications.append(collectionUsage) }
                collections.append(collectionUsage)
                usages = []
                usageMinimum = nil
            case (.main, 0xC):
                guard !collections.isEmpty else {
                    throw HIDDescriptorError(offset: item.offset, message: "End Collection without a Collection")
                }
                collections.removeLast()
                usages = []
                usageMinimum = nil
            case (.global, 0x0):
                global.usagePage = UInt16(truncatingIfNeeded: item.unsignedValue)
            case (.global, 0x1):
                global.logicalMinimum = item.signedValue
            case (.global, 0x2):
                // A logical maximum of 0xFF in one byte means 255 when the minimum is not negative.
                global.logicalMaximum = global.logicalMinimum >= 0 ? Int32(bitPattern: item.unsignedValue) : item.signedValue
            case (.global, 0x7):
                guard item.unsignedValue <= UInt32(self.maximumReportSize) else {
                    throw HIDDescriptorError(offset: item.offset, message: "Report Size \(item.unsignedValue) is larger than 256 bits")
                }
                global.reportSize = Int(item.unsignedValue)
            case (.global, 0x8):
                guard item.unsignedValue >= 1, item.unsignedValue <= 255 else {
                    throw HIDDescriptorError(offset: item.offset, message: "Report ID \(item.unsignedValue) is not 1...255")
                }
                global.reportID = UInt8(item.unsignedValue)
                sawReportID = true
            case (.global, 0x9):
                guard item.unsignedValue <= UInt32(self.maximumReportCount) else {
                    throw HIDDescriptorError(offset: item.offset, message: "Report Count \(item.unsignedValue) is larger than 8192")
                }
                global.reportCount = Int(item.unsignedValue)
            case (.global, 0xA):
                guard stack.count < self.maximumPushDepth else {
                    throw HIDDescriptorError(offset: item.offset, message: "Push nested deeper than 16")
                }
                stack.append(global)
            case (.global, 0xB):
                guard let popped = stack.popLast() else {
                    throw HIDDescriptorError(offset: item.offset, message: "Pop without a Push")
                }
                global = popped
            case (.local, 0x0):
                if usages.count < self.maximumUsagesPerField { usages.append(.single(usage(item))) }
            case (.local, 0x1):
                usageMinimum = item.unsignedValue
            case (.local, 0x2):
                if let minimum = usageMinimum, usages.count < self.maximumUsagesPerField {
                    let low = usage(HIDItem(kind: .local, tag: 1, unsignedValue: minimum, signedValue: 0,
                                            size: item.size, offset: item.offset))
                    let high = usage(item)
                    usages.append(.range(page: high.page, from: min(low.id, high.id), to: max(low.id, high.id)))
                }
                usageMinimum = nil
            default:
                // Physical extents, units, designators, strings, delimiters: not needed to locate fields.
                continue
            }
        }
        guard collections.isEmpty else {
            throw HIDDescriptorError(offset: bytes.count, message: "\(collections.count) collection(s) not closed")
        }
        return HIDReportDescriptor(fields: fields, applications: applications, usesReportIDs: sawReportID)
    }
}
