/// How a scan is written as one line of text in replay files and `storegate listen` output: `{GS}` for 0x1D,
/// `{xHH}` for other control bytes and for `{`, so any byte sequence survives a round trip.
public enum ScanLineFormat {
    /// Bytes → one printable line.
    public static func escape(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        for byte in bytes {
            switch byte {
            case 0x1D:
                out.append(contentsOf: Array("{GS}".utf8))
            case 0x00..<0x20, 0x7F, UInt8(ascii: "{"):
                out.append(contentsOf: Array("{x\(ReportCapture.hex([byte]))}".utf8))
            default:
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// One line → bytes: `{GS}` (any case) → 0x1D, `{xHH}` → that byte; anything else is taken as it is.
    public static func unescape(_ line: some StringProtocol) -> [UInt8] {
        let input = Array(line.utf8)
        var out: [UInt8] = []
        var index = 0
        while index < input.count {
            if input[index] == UInt8(ascii: "{"), index + 3 < input.count, input[index + 3] == UInt8(ascii: "}"),
                input[index + 1] | 0x20 == UInt8(ascii: "g"), input[index + 2] | 0x20 == UInt8(ascii: "s")
            {
                out.append(0x1D)
                index += 4
            } else if input[index] == UInt8(ascii: "{"), index + 4 < input.count, input[index + 1] == UInt8(ascii: "x"),
                input[index + 4] == UInt8(ascii: "}"), let high = ReportCapture.nibble(input[index + 2]),
                let low = ReportCapture.nibble(input[index + 3])
            {
                out.append(high << 4 | low)
                index += 5
            } else {
                out.append(input[index])
                index += 1
            }
        }
        return out
    }
}
