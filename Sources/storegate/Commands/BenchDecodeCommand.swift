import ArgumentParser
import Foundation
import StoregateCore

/// `storegate bench decode`: how many raw scanner reports per second the decoders turn into scans.
struct BenchDecodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Reports decoded per second: keyboard-wedge (US and DE, Ctrl+] and Alt+0029 GS) and HID POS."
    )

    @Option(help: "Scans per workload.")
    var scans: Int = 20_000

    func run() async throws {
        let code = "]d201095060001343521ABC123{GS}1721123110{GS}10LOT42"
        let workloads: [(String, [[UInt8]], () throws -> ReportScanDecoder)] = [
            ("keyboard us, GS as Ctrl+]", BenchReports.keyboard(code, altGS: false), { .keyboard(layout: .us) }),
            ("keyboard de, GS as Alt+0029", BenchReports.keyboard(code, altGS: true), { .keyboard(layout: .de) }),
            ("hid-pos honeywell, 70-byte scans in 2 reports", BenchReports.honeywell(), {
                try .hidPOS(descriptor: HIDReportDescriptor(parsing: BenchReports.honeywellDescriptor))
            }),
        ]
        for (name, reports, makeDecoder) in workloads {
            var decoder = try makeDecoder()
            var scans = 0
            var bytes = 0
            let clock = ContinuousClock()
            let start = clock.now
            for index in 0..<self.scans {
                let time = Timestamp(milliseconds: Int64(index))
                for report in reports {
                    for segment in decoder.append(report: report, at: time) {
                        scans += segment.complete ? 1 : 0
                        bytes += segment.bytes.count
                    }
                }
            }
            let elapsed = clock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let total = reports.count * self.scans
            print(String(format: "%@: %d reports, %d scans in %.3f s = %.0f reports/s (%.0f scans/s)",
                         name, total, scans, seconds, Double(total) / seconds, Double(scans) / seconds))
            guard scans == self.scans else {
                printError("decode bench: expected \(self.scans) complete scans, got \(scans)")
                throw ExitCode(1)
            }
        }
    }
}

/// Report streams as real scanners send them, for the benchmark.
enum BenchReports {
    /// Press + release per character, US positions (DE differs only in which usages, not in cost).
    static func keyboard(_ text: String, altGS: Bool) -> [[UInt8]] {
        var reports: [[UInt8]] = []
        let release: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0]
        var rest = Substring(text)
        while let character = rest.first {
            if rest.hasPrefix("{GS}") {
                rest = rest.dropFirst(4)
                if altGS {
                    for usage: UInt8 in [0x62, 0x62, 0x5A, 0x61] {
                        reports.append([0x04, 0, usage, 0, 0, 0, 0, 0])
                        reports.append([0x04, 0, 0, 0, 0, 0, 0, 0])
                    }
                } else {
                    reports.append([0x01, 0, 0x30, 0, 0, 0, 0, 0])
                }
                reports.append(release)
                continue
            }
            rest = rest.dropFirst()
            let (modifier, usage) = Self.usUsage(character)
            reports.append([modifier, 0, usage, 0, 0, 0, 0, 0])
            reports.append(release)
        }
        reports.append([0, 0, 0x28, 0, 0, 0, 0, 0])
        reports.append(release)
        return reports
    }

    static func usUsage(_ character: Character) -> (UInt8, UInt8) {
        guard let ascii = character.asciiValue else { return (0, 0x2C) }
        switch ascii {
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return (0, 0x04 + ascii - UInt8(ascii: "a"))
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return (0x02, 0x04 + ascii - UInt8(ascii: "A"))
        case UInt8(ascii: "1")...UInt8(ascii: "9"): return (0, 0x1E + ascii - UInt8(ascii: "1"))
        case UInt8(ascii: "0"): return (0, 0x27)
        case UInt8(ascii: "]"): return (0, 0x30)
        default: return (0, 0x2C)
        }
    }

    /// The Honeywell-layout HID POS descriptor of the USB lab (scripts/usb-lab/guest/gadget.sh).
    static let honeywellDescriptor: [UInt8] = ReportCapture.bytes(fromHex: """
        058c0902a1010912a1028502150026ff00750895010501093b81029503058c09fb09fc09fd8102953809fe8202010666ff95\
        02090409008102058c25017501950809ff8102c00914a102850415002501750195080900095f096009000900098509869186\
        c00666ff750826ff000903a10285fe95010903b28201c00901a10285fd950109219102953e0922928201c0c0
        """.filter { $0.isHexDigit }) ?? []

    static func honeywell() -> [[UInt8]] {
        let data = Array("0109506000134352172112311\u{1D}10ABC12321SN0123456789-HONEYWELL-HIDPOS-SCAN".utf8)
        var reports: [[UInt8]] = []
        var offset = 0
        while offset < data.count {
            let count = min(56, data.count - offset)
            var report = [UInt8](repeating: 0, count: 64)
            report[0] = 0x02
            report[1] = UInt8(count)
            report[2...4] = [0x5D, 0x64, 0x32]
            report[5..<(5 + count)] = data[offset..<(offset + count)]
            offset += count
            report[61] = UInt8(ascii: "j")
            report[63] = offset < data.count ? 1 : 0
            reports.append(report)
        }
        return reports
    }
}
