import StoregateCore
import StoregateScanners
import Testing

/// The HID POS report Access-IS documents for its LSR116 and LSR118 readers (LSR116 Product Manual rev 4.6, Appendix A
/// "HID reports", page 26 of 33; LSR118 Product Manual rev 1.2, Appendix B, pages 68-69 of 77; (c) Access-IS 2020),
/// against the descriptor reconstructed from it (`Descriptors.accessIS`). Byte numbers below are the manuals' (byte 0
/// is the report ID); the layout's bit offsets count from byte 1.
@Suite struct AccessISReportTests {
    /// The manual's byte number of a field the layout located.
    func manualByte(_ field: HIDBitField?) -> Int? { field.map { 1 + $0.bitOffset / 8 } }

    func layout() throws -> HIDPOSReportLayout {
        try HIDPOSReportLayout(descriptor: HIDReportDescriptor(parsing: Descriptors.accessIS))
    }

    /// A report as the manual's table lays it out.
    func report(_ data: [UInt8], aim: String = "]Q0", further: Character = "s", continued: Bool = false,
                length: UInt8? = nil, id: UInt8 = 2) -> [UInt8] {
        var report = [UInt8](repeating: 0, count: 64)
        report[0] = id
        report[1] = length ?? UInt8(data.count)
        report[2...4] = ArraySlice(Array(aim.utf8))
        report[5..<(5 + data.count)] = ArraySlice(data)
        report[61] = further.asciiValue ?? 0
        report[63] = continued ? 0x01 : 0x00
        return report
    }

    /// 60 bytes shaped like an IATA boarding pass (BCBP mandatory items), our own data, like the manual's example.
    let boardingPass = Array("M1TESTER/ALEX         EXYZ123 ZRHLHRLX 0318 123Y012A0042 100".utf8)

    @Test func theDescriptorParsesAndDeclaresTheManualsReports() throws {
        let descriptor = try HIDReportDescriptor(parsing: Descriptors.accessIS)
        #expect(descriptor.isBarCodeScanner && descriptor.usesReportIDs && !descriptor.isKeyboard)
        #expect(descriptor.applications == [HIDUsage(page: 0x8C, id: 0x02)])
        // Input report 2 and output report 253 are 64 bytes with their ID, as the manuals draw them (bytes 0-63).
        #expect(descriptor.reportLength(ofReport: 2, direction: .input) == 64)
        #expect(descriptor.reportLength(ofReport: 0xFD, direction: .output) == 64)
        let inputs = descriptor.fields(ofReport: 2, direction: .input)
        #expect(inputs.allSatisfy { $0.collections == [HIDUsage(page: 0x8C, id: 0x02), .scannedDataReport] })
        // Byte 62 (reserved) and byte 63's bits 1-7 are constant: nothing of the manual's is left undeclared.
        #expect(inputs.filter(\.isConstant).map { 1 + $0.bitOffset / 8 } == [62, 63])
    }

    @Test func theFieldsLocatedAreTheOnesTheManualDocuments() throws {
        let layout = try self.layout()
        #expect(layout.reportID == 2 && layout.hasReportIDByte)
        #expect(self.manualByte(layout.byteCount) == 1 && layout.byteCount?.bitWidth == 8)
        #expect(layout.symbologyIdentifier.compactMap { self.manualByte($0) } == [2, 3, 4])
        #expect(1 + layout.dataByteOffset == 5 && layout.dataCapacity == 56)  // bytes 5-60
        #expect(self.manualByte(layout.vendorSymbology) == 61)  // the further symbology identifier
        // "Data cont'd" is bit 0 of byte 63, one bit wide.
        #expect(layout.continued == HIDBitField(bitOffset: 62 * 8, bitWidth: 1))
    }

    @Test func theManualsTwoReportExampleDecodesWithOurData() throws {
        var reassembler = HIDPOSReassembler(layout: try self.layout())
        let first = self.report(Array(self.boardingPass[..<56]), continued: true)
        let second = self.report(Array(self.boardingPass[56...]))
        #expect(first[1] == 0x38 && first[63] == 0x01 && second[1] == 0x04 && second[63] == 0x00)  // as in the manual
        #expect(reassembler.append(report: first, at: Timestamp(milliseconds: 10)).isEmpty)
        #expect(reassembler.hasPendingScan)
        let scans = reassembler.append(report: second, at: Timestamp(milliseconds: 12))
        #expect(scans.count == 1)
        #expect(scans.first?.bytes == self.boardingPass)
        #expect(scans.first?.complete == true)
        #expect(scans.first?.symbology == Symbology(identifier: "]Q0"))
        #expect(scans.first?.vendorSymbology == UInt8(ascii: "s"))
        #expect(scans.first?.firstReport.milliseconds == 10 && scans.first?.lastReport.milliseconds == 12)
        #expect(!reassembler.hasPendingScan)
    }

    @Test func aLengthLargerThanTheFieldIsNeverAccepted() throws {
        var reassembler = HIDPOSReassembler(layout: try self.layout())
        let scans = reassembler.append(report: self.report(Array(self.boardingPass[..<56]), length: 57), at: Timestamp(milliseconds: 0))
        #expect(scans.count == 1 && scans.first?.complete == false)
        #expect(scans.first?.bytes == Array(self.boardingPass[..<56]))
        #expect(!reassembler.hasPendingScan)
    }

    @Test func aLostContinuationIsCutWhenTheNextScanComesLater() throws {
        var reassembler = HIDPOSReassembler(layout: try self.layout())
        let ean = Array("9506000134352".utf8)
        _ = reassembler.append(report: self.report(Array(self.boardingPass[..<56]), continued: true), at: Timestamp(milliseconds: 0))
        // Same symbology, so only the time tells: 2 s later is another scan, not the missing second report.
        let scans = reassembler.append(report: self.report(ean), at: Timestamp(milliseconds: 2000))
        #expect(scans.map(\.complete) == [false, true])
        #expect(scans.map(\.bytes) == [Array(self.boardingPass[..<56]), ean])
        #expect(scans.first?.lastReport.milliseconds == 0 && scans.last?.firstReport.milliseconds == 2000)
    }

    @Test func aLostContinuationIsCutByTheClockWithoutANextReport() throws {
        var reassembler = HIDPOSReassembler(layout: try self.layout(), continuationTimeoutMilliseconds: 500)
        _ = reassembler.append(report: self.report(Array(self.boardingPass[..<56]), continued: true), at: Timestamp(milliseconds: 0))
        #expect(reassembler.tick(at: Timestamp(milliseconds: 500)).isEmpty)  // not overdue yet
        let scans = reassembler.tick(at: Timestamp(milliseconds: 501))
        #expect(scans.count == 1 && scans.first?.complete == false && scans.first?.bytes.count == 56)
        #expect(!reassembler.hasPendingScan && reassembler.tick(at: Timestamp(milliseconds: 900)).isEmpty)
    }

    @Test func aReportNamingAnotherSymbologyStartsANewScan() throws {
        var reassembler = HIDPOSReassembler(layout: try self.layout())
        _ = reassembler.append(report: self.report(Array(self.boardingPass[..<56]), continued: true), at: Timestamp(milliseconds: 0))
        let scans = reassembler.append(report: self.report(Array("12345".utf8), aim: "]E0", further: "d"), at: Timestamp(milliseconds: 1))
        #expect(scans.map(\.complete) == [false, true])
        #expect(scans.map { $0.symbology?.identifier } == ["]Q0", "]E0"])
        #expect(scans.last?.bytes == Array("12345".utf8) && scans.last?.vendorSymbology == UInt8(ascii: "d"))
    }

    @Test func aContinuationWithoutAnAIMIdStillJoins() throws {
        // Only a different identifier ends a scan; a continuation report that leaves the field zero is no evidence.
        var reassembler = HIDPOSReassembler(layout: try self.layout())
        _ = reassembler.append(report: self.report(Array(self.boardingPass[..<56]), continued: true), at: Timestamp(milliseconds: 0))
        var second = self.report(Array(self.boardingPass[56...]))
        second[2...4] = [0, 0, 0]
        let scans = reassembler.append(report: second, at: Timestamp(milliseconds: 3))
        #expect(scans.count == 1 && scans.first?.complete == true && scans.first?.bytes == self.boardingPass)
    }

    @Test func reportsWithAnotherIDAreNoScan() throws {
        var reassembler = HIDPOSReassembler(layout: try self.layout())
        #expect(reassembler.append(report: self.report(Array(self.boardingPass[..<56]), continued: true, id: 3), at: Timestamp(milliseconds: 0)).isEmpty)
        #expect(reassembler.append(report: self.report(Array(self.boardingPass[56...]), id: 0xFD), at: Timestamp(milliseconds: 1)).isEmpty)
        #expect(!reassembler.hasPendingScan)
    }

    @Test func everyTruncationOfTheExampleIsIncompleteNeverComplete() throws {
        let layout = try self.layout()
        let first = self.report(Array(self.boardingPass[..<56]), continued: true)
        let second = self.report(Array(self.boardingPass[56...]))
        for cut in 0..<64 {
            var reassembler = HIDPOSReassembler(layout: layout)
            let scans = reassembler.append(report: first, at: Timestamp(milliseconds: 0))
                + reassembler.append(report: second.prefix(cut), at: Timestamp(milliseconds: 1))
                + reassembler.interrupt(at: Timestamp(milliseconds: 2))
            #expect(scans.allSatisfy { !$0.complete }, "second report cut to \(cut) bytes")
            #expect(cut == 0 || !scans.isEmpty)
        }
    }

    @Test func theGoldenCapturesUseThisDescriptor() throws {
        let capture = try ReportCapture(parsing: Fixtures.text("accessis-boarding-pass-two-reports.hex"))
        #expect(capture.header["descriptor"].flatMap { ReportCapture.bytes(fromHex: $0) } == Descriptors.accessIS)
    }

    @Test func theUsagesWeKeyOnHaveTheHIDPOSUsageTablesCodes() {
        // HID Point of Sale Usage Tables 1.02, usage page Bar Code Scanner (0x8C).
        #expect(HIDUsage.barCodeScannerPage == 0x8C)
        #expect(HIDUsage.scannedDataReport == HIDUsage(page: 0x8C, id: 0x12))
        #expect(HIDUsage.symbologyIdentifier1 == HIDUsage(page: 0x8C, id: 0xFB))
        #expect(HIDUsage.symbologyIdentifier2 == HIDUsage(page: 0x8C, id: 0xFC))
        #expect(HIDUsage.symbologyIdentifier3 == HIDUsage(page: 0x8C, id: 0xFD))
        #expect(HIDUsage.decodedData == HIDUsage(page: 0x8C, id: 0xFE))
        #expect(HIDUsage.decodeDataContinued == HIDUsage(page: 0x8C, id: 0xFF))
        #expect(HIDUsage.byteCount == HIDUsage(page: 0x01, id: 0x3B))  // HID Usage Tables, Generic Desktop
    }
}
