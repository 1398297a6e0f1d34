import Foundation
import StoregateCore

/// The test target's fixture files (copied into the bundle).
enum Fixtures {
    static var capturesDirectory: URL {
        get throws {
            guard let url = Bundle.module.url(forResource: "Fixtures/captures", withExtension: nil) else {
                throw FixtureMissing(name: "captures")
            }
            return url
        }
    }

    /// Names of the golden captures (`captures/NAME.hex` with `NAME.expected`).
    static func captureNames() -> [String] {
        guard let directory = try? self.capturesDirectory,
            let files = try? FileManager.default.contentsOfDirectory(atPath: directory.path)
        else { return [] }
        return files.filter { $0.hasSuffix(".hex") }.map { String($0.dropLast(4)) }.sorted()
    }

    static func text(_ name: String) throws -> String {
        try String(contentsOf: self.capturesDirectory.appendingPathComponent(name), encoding: .utf8)
    }

    struct FixtureMissing: Error, CustomStringConvertible {
        var name: String
        var description: String { "fixture \(self.name) is missing from the test bundle" }
    }
}

/// Descriptors used across tests, each with where it came from.
enum Descriptors {
    /// The boot keyboard report descriptor of HID 1.11 Appendix B.1 (also what the lab's keyboard gadget sends).
    static let bootKeyboard = hex("""
        05010906a101050719e029e71500250175019508810295017508810395057501050819012905910295017503910395067508\
        150025650507190029658100c0
        """)
    /// The Honeywell-layout HID POS descriptor the USB lab's virtual scanner uses (scripts/usb-lab/guest/gadget.sh,
    /// "Honeywell layout", 144 bytes): report 2 = Byte Count, AIM 1-3, Decoded Data[56], vendor FF66 Code ID,
    /// Decode Data Continued; plus trigger, feature and vendor output reports. Transcribed there, not captured by us
    /// from a device.
    static let honeywell = hex("""
        058c0902a1010912a1028502150026ff00750895010501093b81029503058c09fb09fc09fd8102953809fe8202010666ff95\
        02090409008102058c25017501950809ff8102c00914a102850415002501750195080900095f096009000900098509869186\
        c00666ff750826ff000903a10285fe95010903b28201c00901a10285fd950109219102953e0922928201c0c0
        """)
    /// Newland-like, synthesised for the lab (scripts/usb-lab/guest/gadget.sh POSN_DESC): report 3 = vendor FF00
    /// symbology byte, Byte Count, Decoded Data[60], Decode Data Continued bit + 7 padding bits; no AIM field.
    static let newlandLike = hex("""
        058c0902a1010912a1028503150026ff00750895010600ff0901810295010501093b8102953c058c09fe8202012501750195\
        0109ff810295078103c0c0
        """)

    static func hex(_ text: String) -> [UInt8] {
        ReportCapture.bytes(fromHex: String(text.filter { $0.isHexDigit })) ?? []
    }
}

