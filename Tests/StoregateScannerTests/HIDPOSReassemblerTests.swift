import StoregateCore
import Testing

@Suite struct HIDPOSReassemblerTests {
    func honeywellReport(_ data: [UInt8], aim: String = "]d2", continued: Bool = false, count: UInt8? = nil) -> [UInt8] {
        var report = [UInt8](repeating: 0, count: 64)
        report[0] = 2
        report[1] = count ?? UInt8(data.count)
        report[2...4] = ArraySlice(Array(aim.utf8))
        report[5..<(5 + data.count)] = ArraySlice(data)
        report[61] = UInt8(ascii: "w")
        report[63] = continued ? 1 : 0
        return report
    }

    func reassembler() throws -> HIDPOSReassembler {
        HIDPOSReassembler(layout: try HIDPOSReportLayout(descriptor: HIDReportDescriptor(parsing: Descriptors.honeywell)))
    }

    let first = [UInt8](repeating: UInt8(ascii: "A"), count: 56)
    let second = Array("0109506000134352".utf8)

    @Test func continuedReportsJoinIntoOneScanWithItsAIM() throws {
        var reassembler = try self.reassembler()
        #expect(reassembler.append(report: self.honeywellReport(self.first, continued: true), at: Timestamp(milliseconds: 1)).isEmpty)
        #expect(reassembler.hasPendingScan)
        let scans = reassembler.append(report: self.honeywellReport(self.second), at: Timestamp(milliseconds: 3))
        #expect(scans.count == 1)
        #expect(scans[0].bytes == self.first + self.second)
        #expect(scans[0].symbology == Symbology(identifier: "]d2"))
        #expect(scans[0].vendorSymbology == UInt8(ascii: "w"))
        #expect(scans[0].complete && scans[0].firstReport.milliseconds == 1 && scans[0].lastReport.milliseconds == 3)
    }

    @Test func unplugBetweenContinuedReportsGivesAnIncompleteScan() throws {
        var reassembler = try self.reassembler()
        _ = reassembler.append(report: self.honeywellReport(self.first, continued: true), at: Timestamp(milliseconds: 1))
        let scans = reassembler.interrupt(at: Timestamp(milliseconds: 9))
        #expect(scans.count == 1 && !scans[0].complete && scans[0].bytes == self.first)
        #expect(reassembler.interrupt(at: Timestamp(milliseconds: 10)).isEmpty)
    }

    @Test func aScanLongerThanTheLimitIsCutIncomplete() throws {
        let layout = try HIDPOSReportLayout(descriptor: HIDReportDescriptor(parsing: Descriptors.honeywell))
        var reassembler = HIDPOSReassembler(layout: layout, maximumLength: 100)
        _ = reassembler.append(report: self.honeywellReport(self.first, continued: true), at: Timestamp(milliseconds: 1))
        let scans = reassembler.append(report: self.honeywellReport(self.first, continued: true), at: Timestamp(milliseconds: 2))
        #expect(scans.count == 1 && !scans[0].complete && scans[0].bytes.count == 100)
    }

    @Test func reportsWithAnotherIDAreIgnored() throws {
        var reassembler = try self.reassembler()
        #expect(reassembler.append(report: [4, 0xFF], at: Timestamp(milliseconds: 0)).isEmpty)
        #expect(!reassembler.hasPendingScan)
    }

    @Test func aReportWithoutItsContinuedFlagByteIsIncomplete() throws {
        var reassembler = try self.reassembler()
        let cut = Array(self.honeywellReport(self.second).prefix(40))
        let scans = reassembler.append(report: cut, at: Timestamp(milliseconds: 0))
        #expect(scans.count == 1 && !scans[0].complete && scans[0].bytes == self.second)
    }

    @Test func withoutAByteCountDataEndsAtTheFirstNUL() throws {
        // The boot keyboard's neighbour: a minimal descriptor with Decoded Data only (no count, no flag).
        let bytes: [UInt8] = [0x05, 0x8C, 0x09, 0x02, 0xA1, 0x01, 0x75, 0x08, 0x95, 0x08, 0x09, 0xFE, 0x82, 0x02, 0x01, 0xC0]
        var reassembler = HIDPOSReassembler(layout: try HIDPOSReportLayout(descriptor: HIDReportDescriptor(parsing: bytes)))
        let scans = reassembler.append(report: Array("ABC".utf8) + [0, 0x44, 0, 0, 0], at: Timestamp(milliseconds: 0))
        #expect(scans.map(\.bytes) == [Array("ABC".utf8)])
    }

    @Test func newlandLikeReportsUseTheirOwnOffsets() throws {
        var reassembler = HIDPOSReassembler(layout: try HIDPOSReportLayout(descriptor: HIDReportDescriptor(parsing: Descriptors.newlandLike)))
        var report = [UInt8](repeating: 0, count: 64)
        report[0] = 3
        report[1] = 0x31
        report[2] = 4
        report[3...6] = ArraySlice(Array("9506".utf8))
        let scans = reassembler.append(report: report, at: Timestamp(milliseconds: 0))
        #expect(scans.map(\.bytes) == [Array("9506".utf8)])
        #expect(scans.first?.symbology == nil && scans.first?.vendorSymbology == 0x31)
    }
}
