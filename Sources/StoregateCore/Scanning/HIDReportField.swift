/// One Input, Output or Feature main item of a report descriptor, placed in its report.
public struct HIDReportField: Sendable, Hashable {
    public enum Direction: Sendable, Hashable {
        case input, output, feature
    }

    /// Usages as declared: single usages and ranges, in order.
    public enum UsageItem: Sendable, Hashable {
        case single(HIDUsage)
        case range(page: UInt16, from: UInt16, to: UInt16)
    }

    public var direction: Direction
    /// The report ID, or 0 when the descriptor declares none (then reports carry no ID byte).
    public var reportID: UInt8
    /// Offset in bits from the start of the report's data (after the report ID byte, if any).
    public var bitOffset: Int
    public var reportSize: Int
    public var reportCount: Int
    /// The main item's data bits: bit 0 constant, bit 1 variable (else array), bit 8 buffered bytes.
    public var flags: UInt32
    public var logicalMinimum: Int32
    public var logicalMaximum: Int32
    public var usages: [UsageItem]
    /// Usages of the enclosing collections, outermost first.
    public var collections: [HIDUsage]

    public var isConstant: Bool { self.flags & 0x01 != 0 }
    public var isVariable: Bool { self.flags & 0x02 != 0 }
    public var bitLength: Int { self.reportSize * self.reportCount }

    /// The usage of element `index` of a variable field: the index-th declared usage, the last one repeating
    /// (HID 1.11 §6.2.2.8). Nil when the field declares no usage.
    public func usage(ofElement index: Int) -> HIDUsage? {
        var remaining = index
        var last: HIDUsage?
        for item in self.usages {
            switch item {
            case .single(let usage):
                if remaining == 0 { return usage }
                remaining -= 1
                last = usage
            case .range(let page, let from, let to):
                let span = Int(to) - Int(from) + 1
                if remaining < span { return HIDUsage(page: page, id: from + UInt16(remaining)) }
                remaining -= span
                last = HIDUsage(page: page, id: to)
            }
        }
        return last
    }
}
