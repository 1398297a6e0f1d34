import StoregateTesting
import StoregateCore
import Testing

/// Random and mutated input never crashes a decoder, and what comes out stays within its limits.
@Suite struct RandomInputTests {
    @Test func tenThousandRandomKeyboardReportsInEveryLayout() {
        var random = SeededGenerator(seed: 0x5CA7)
        for layout in KeyboardLayout.all {
            var decoder = ReportScanDecoder.keyboard(layout: layout, segmentation: ScanSegmentation(maximumLength: 512))
            var typed = 0
            for index in 0..<10_000 {
                let length = Int.random(in: 0...12, using: &random)
                // Mostly plausible reports (small usages, few modifiers), sometimes anything at all.
                let report: [UInt8] = (0..<length).map { position in
                    if index % 7 == 0 { return UInt8.random(in: 0...255, using: &random) }
                    if position == 0 { return UInt8.random(in: 0...255, using: &random) & 0x27 }
                    return UInt8.random(in: 0...0x65, using: &random)
                }
                for scan in decoder.append(report: report, at: Timestamp(milliseconds: Int64(index))) {
                    typed += scan.bytes.count
                    #expect(scan.bytes.count <= 512)
                    #expect(!scan.bytes.contains(0x0D))
                }
            }
            #expect(typed > 1000, "random reports should type something in layout \(layout.name)")
        }
    }

    @Test func tenThousandRandomDescriptorsParseOrFailCleanly() {
        var random = SeededGenerator(seed: 0xDE5C)
        var parsed = 0
        let seeds = [Descriptors.bootKeyboard, Descriptors.honeywell, Descriptors.newlandLike, Descriptors.accessIS]
        for index in 0..<10_000 {
            var bytes: [UInt8]
            if index % 2 == 0 {
                bytes = (0..<Int.random(in: 0...200, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            } else {
                // Mutations of real descriptors: flipped, inserted and deleted bytes.
                bytes = seeds[index % 3]
                for _ in 0..<Int.random(in: 1...6, using: &random) {
                    let position = Int.random(in: 0..<bytes.count, using: &random)
                    switch Int.random(in: 0...2, using: &random) {
                    case 0: bytes[position] = UInt8.random(in: 0...255, using: &random)
                    case 1: bytes.insert(UInt8.random(in: 0...255, using: &random), at: position)
                    default: if bytes.count > 1 { bytes.remove(at: position) }
                    }
                }
            }
            guard let descriptor = try? HIDReportDescriptor(parsing: bytes) else { continue }
            parsed += 1
            for field in descriptor.fields {
                _ = field.usage(ofElement: Int.random(in: 0...10, using: &random))
                #expect(field.bitOffset >= 0 && field.bitLength >= 0)
            }
            // Whatever layout a mutated descriptor yields, random reports must not crash the reassembler.
            if let layout = try? HIDPOSReportLayout(descriptor: descriptor) {
                var reassembler = HIDPOSReassembler(layout: layout, maximumLength: 300)
                for _ in 0..<4 {
                    let report = (0..<Int.random(in: 0...70, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                    for scan in reassembler.append(report: report, at: Timestamp(milliseconds: 0)) {
                        #expect(scan.bytes.count <= 300)
                    }
                }
                _ = reassembler.interrupt(at: Timestamp(milliseconds: 1))
            }
        }
        #expect(parsed > 100)
    }

    @Test func tenThousandRandomHIDPOSReportsAgainstEachLayout() throws {
        var random = SeededGenerator(seed: 0x8C8C)
        for descriptor in [Descriptors.honeywell, Descriptors.newlandLike, Descriptors.accessIS] {
            var decoder = try ReportScanDecoder.hidPOS(descriptor: HIDReportDescriptor(parsing: descriptor))
            var complete = 0
            for index in 0..<10_000 {
                var report = (0..<Int.random(in: 0...66, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                if index % 2 == 0, !report.isEmpty { report[0] = descriptor == Descriptors.newlandLike ? 3 : 2 }
                for scan in decoder.append(report: report, at: Timestamp(milliseconds: Int64(index))) {
                    complete += scan.complete ? 1 : 0
                    #expect(scan.bytes.count <= 8192)
                }
            }
            #expect(complete > 0)
        }
    }

    @Test func randomCaptureTextNeverCrashesTheReader() {
        var random = SeededGenerator(seed: 0xCA97)
        let alphabet = Array("0123456789abcdefABCDEFxyz .#!-\t\r\n".utf8)
        for _ in 0..<10_000 {
            let text = String(decoding: (0..<Int.random(in: 0...60, using: &random)).map { _ in
                alphabet[Int.random(in: 0..<alphabet.count, using: &random)]
            }, as: UTF8.self)
            _ = try? ReportCapture(parsing: text)
            _ = ScanLineFormat.unescape(text)
        }
    }

    @Test func scanLinesRoundTripAnyBytes() {
        var random = SeededGenerator(seed: 0x11AE)
        for _ in 0..<2_000 {
            let bytes = (0..<Int.random(in: 0...40, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            let line = ScanLineFormat.escape(bytes)
            #expect(!line.contains("\n"))
            // Bytes ≥ 0x80 that are not valid UTF-8 cannot survive a String; the ASCII ones must.
            if bytes.allSatisfy({ $0 < 0x80 }) { #expect(ScanLineFormat.unescape(line) == bytes) }
        }
    }
}
