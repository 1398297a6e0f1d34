import StoregateCore
import Testing

@Suite struct HIDReportDescriptorTests {
    @Test func bootKeyboardHasModifierBitsReservedByteAndSixKeys() throws {
        let descriptor = try HIDReportDescriptor(parsing: Descriptors.bootKeyboard)
        #expect(descriptor.isKeyboard && !descriptor.isBarCodeScanner && !descriptor.usesReportIDs)
        let inputs = descriptor.fields(ofReport: 0, direction: .input)
        #expect(inputs.map(\.bitOffset) == [0, 8, 16])
        #expect(inputs.map(\.reportSize) == [1, 8, 8])
        #expect(inputs.map(\.reportCount) == [8, 1, 6])
        #expect(inputs[0].usage(ofElement: 0) == HIDUsage(page: 0x07, id: 0xE0))
        #expect(inputs[0].usage(ofElement: 7) == HIDUsage(page: 0x07, id: 0xE7))
        #expect(inputs[1].isConstant)
        #expect(!inputs[2].isVariable && inputs[2].logicalMaximum == 0x65)
        #expect(descriptor.reportLength(ofReport: 0, direction: .input) == 8)
        #expect(descriptor.reportLength(ofReport: 0, direction: .output) == 1)  // the LEDs
    }

    @Test func aRealDatalogicKeyboardModeDescriptorIsABootKeyboardWithAFullByteKeyArray() throws {
        let descriptor = try HIDReportDescriptor(parsing: Descriptors.datalogicGD4400Keyboard)
        #expect(Descriptors.datalogicGD4400Keyboard.count == 65)
        #expect(descriptor.isKeyboard && !descriptor.isBarCodeScanner && !descriptor.usesReportIDs)
        let inputs = descriptor.fields(ofReport: 0, direction: .input)
        #expect(inputs.map(\.bitOffset) == [0, 8, 16])
        #expect(inputs.map(\.reportCount) == [8, 1, 6])
        #expect(!inputs[2].isVariable && inputs[2].logicalMaximum == 0xFF)
        #expect(inputs[2].usage(ofElement: 0) == HIDUsage(page: 0x07, id: 0x00))
        #expect(descriptor.reportLength(ofReport: 0, direction: .input) == 8)
        #expect(descriptor.reportLength(ofReport: 0, direction: .output) == 1)
        #expect(throws: HIDDescriptorError.self) { try HIDPOSReportLayout(descriptor: descriptor) }

        // Its key array may carry any byte: usages past the keyboard page's 0xE7 type nothing.
        var decoder = KeyboardWedgeDecoder(layout: .us)
        var text: [UInt8] = []
        for report: [UInt8] in [[0x02, 0, 0x04, 0, 0, 0, 0, 0], [0, 0, 0xF0, 0xFF, 0, 0, 0, 0], [0, 0, 0x1E, 0, 0, 0, 0, 0],
                                [0, 0, 0, 0, 0, 0, 0, 0]] {
            decoder.decode(report, into: &text)
        }
        #expect(text == Array("A1".utf8))
    }

    @Test func honeywellLayoutFieldsSitWhereTheDescriptorSays() throws {
        let descriptor = try HIDReportDescriptor(parsing: Descriptors.honeywell)
        #expect(Descriptors.honeywell.count == 144)
        #expect(descriptor.isBarCodeScanner && descriptor.usesReportIDs)
        #expect(descriptor.applications == [HIDUsage(page: 0x8C, id: 0x02)])
        let report2 = descriptor.fields(ofReport: 2, direction: .input)
        #expect(report2.map(\.bitOffset) == [0, 8, 32, 480, 496])
        #expect(report2.allSatisfy { $0.collections == [HIDUsage(page: 0x8C, id: 0x02), .scannedDataReport] })
        #expect(descriptor.reportLength(ofReport: 2, direction: .input) == 64)
        #expect(descriptor.reportLength(ofReport: 4, direction: .output) == 2)
        #expect(descriptor.reportLength(ofReport: 0xFE, direction: .feature) == 2)
        #expect(descriptor.reportLength(ofReport: 0xFD, direction: .output) == 64)
        let layout = try HIDPOSReportLayout(descriptor: descriptor)
        #expect(layout.reportID == 2 && layout.hasReportIDByte)
        #expect(layout.byteCount == HIDBitField(bitOffset: 0, bitWidth: 8))
        #expect(layout.symbologyIdentifier.map(\.bitOffset) == [8, 16, 24])
        #expect(layout.dataByteOffset == 4 && layout.dataCapacity == 56)
        #expect(layout.vendorSymbology == HIDBitField(bitOffset: 480, bitWidth: 8))
        #expect(layout.continued == HIDBitField(bitOffset: 496, bitWidth: 1))
    }

    @Test func newlandLikeLayoutHasNoAIMAndDataElsewhere() throws {
        let descriptor = try HIDReportDescriptor(parsing: Descriptors.newlandLike)
        let layout = try HIDPOSReportLayout(descriptor: descriptor)
        #expect(layout.reportID == 3)
        #expect(layout.symbologyIdentifier.isEmpty)
        #expect(layout.vendorSymbology == HIDBitField(bitOffset: 0, bitWidth: 8))
        #expect(layout.byteCount == HIDBitField(bitOffset: 8, bitWidth: 8))
        #expect(layout.dataByteOffset == 2 && layout.dataCapacity == 60)
        #expect(layout.continued == HIDBitField(bitOffset: 496, bitWidth: 1))
    }

    @Test func usageRangesPushPopAndExtendedUsages() throws {
        let bytes: [UInt8] = [
            0x05, 0x8C, 0x09, 0x02, 0xA1, 0x01,  // Bar Code Scanner application
            0xA4,  // Push
            0x75, 0x08, 0x95, 0x04, 0x15, 0x00, 0x26, 0xFF, 0x00,
            0x19, 0xFB, 0x29, 0xFE, 0x81, 0x02,  // Usage Minimum FB .. Maximum FE
            0xB4,  // Pop: size and count back to unset
            0x75, 0x01, 0x95, 0x01,
            0x0B, 0xFF, 0x00, 0x8C, 0x00, 0x81, 0x02,  // extended usage 0x008C:00FF
            0x95, 0x07, 0x81, 0x03,
            0xC0,
        ]
        let descriptor = try HIDReportDescriptor(parsing: bytes)
        let fields = descriptor.fields(ofReport: 0, direction: .input)
        #expect(fields[0].usage(ofElement: 0) == .symbologyIdentifier1)
        #expect(fields[0].usage(ofElement: 3) == .decodedData)
        #expect(fields[1].usage(ofElement: 0) == .decodeDataContinued && fields[1].bitOffset == 32)
        #expect(descriptor.reportLength(ofReport: 0, direction: .input) == 5)
    }

    @Test func longItemsAreSkipped() throws {
        let bytes: [UInt8] = [0xFE, 0x02, 0x10, 0xAA, 0xBB] + Descriptors.bootKeyboard
        #expect(try HIDReportDescriptor(parsing: bytes).isKeyboard)
    }

    @Test(arguments: [
        ([0xC0], "End Collection without a Collection"),
        ([0x05, 0x8C, 0xA1, 0x01], "not closed"),
        ([0x26, 0xFF], "the descriptor ends first"),
        ([0xB4], "Pop without a Push"),
        ([0x76, 0x01, 0x01], "larger than 256 bits"),
        ([0x96, 0xFF, 0xFF], "larger than 8192"),
        ([0x85, 0x00], "not 1...255"),
        ([0xFE, 0x10, 0x00], "runs past the end"),
    ] as [([UInt8], String)])
    func brokenDescriptorsAreRejectedWithAReason(bytes: [UInt8], reason: String) {
        #expect {
            try HIDReportDescriptor(parsing: bytes)
        } throws: { error in
            "\(error)".contains(reason)
        }
    }

    @Test func nestingAndReportSizeAreBounded() {
        let deep: [UInt8] = (0..<66).map { $0 % 2 == 0 ? 0xA1 : 0x00 }
        #expect(throws: HIDDescriptorError.self) { try HIDReportDescriptor(parsing: deep + [UInt8](repeating: 0xC0, count: 33)) }
        // 8192 x 256 bits in one report, twice: beyond 64 KiB.
        let huge: [UInt8] = [0x76, 0x00, 0x01, 0x96, 0x00, 0x20, 0x81, 0x02, 0x81, 0x02]
        #expect(throws: HIDDescriptorError.self) { try HIDReportDescriptor(parsing: huge) }
    }

    @Test func aKeyboardDescriptorIsNotAHIDPOSScanner() throws {
        let descriptor = try HIDReportDescriptor(parsing: Descriptors.bootKeyboard)
        #expect(throws: HIDDescriptorError.self) { try HIDPOSReportLayout(descriptor: descriptor) }
    }

    @Test func decodedDataOffByABitIsRefused() throws {
        let bytes: [UInt8] = [0x05, 0x8C, 0x09, 0x02, 0xA1, 0x01, 0x75, 0x01, 0x95, 0x01, 0x09, 0xFF, 0x81, 0x02,
                              0x75, 0x08, 0x95, 0x04, 0x09, 0xFE, 0x81, 0x02, 0xC0]
        let descriptor = try HIDReportDescriptor(parsing: bytes)
        #expect {
            try HIDPOSReportLayout(descriptor: descriptor)
        } throws: { error in
            "\(error)".contains("byte boundary")
        }
    }
}
