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
    /// A real scanner's descriptor: a Datalogic Gryphon GD4400 2D in its default USB keyboard mode, as dumped by a
    /// user with an Arduino USB Host Shield (`USBHID_desc`) and posted in felis/USB_Host_Shield_2.0 issue #669
    /// (2021). Unlike HID 1.11's example it declares the key array as usages 0–255 with logical maximum 255.
    static let datalogicGD4400Keyboard = hex("""
        05010906a101050719e029e715002501750195088102950175088101950575010508190129059102950175039101950675081500        26ff00050719002aff008100c0
        """)
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

    /// Access-IS LSR116 / LSR118, reconstructed: their product manuals (LSR116 rev 4.6, Appendix A "HID reports", page
    /// 26 of 33; LSR118 rev 1.2, Appendix B, pages 68-69 of 77; (c) Access-IS 2020; the ATR110 manual shows the same
    /// report) document the bytes of the scanned-data input report, not the report descriptor. This is the descriptor
    /// a device sending that report has to present under the HID POS Usage Tables 1.02; the usages of byte 61 and of
    /// the command report are our choice (the manuals name none). Same bytes as ACCESSIS_DESC in make-captures.py.
    static let accessIS: [UInt8] = [
        0x05, 0x8C, 0x09, 0x02, 0xA1, 0x01,  // Bar Code Scanner application
        0x09, 0x12, 0xA1, 0x02,  // Scanned Data Report, logical collection
        0x85, 0x02,  // Report ID 2 (report byte 0)
        0x15, 0x00, 0x26, 0xFF, 0x00, 0x75, 0x08, 0x95, 0x01,
        0x05, 0x01, 0x09, 0x3B, 0x81, 0x02,  // byte 1: length of the data field (Generic Desktop Byte Count)
        0x95, 0x03, 0x05, 0x8C, 0x09, 0xFB, 0x09, 0xFC, 0x09, 0xFD, 0x81, 0x02,  // bytes 2-4: AIM id (Symbology Id 1-3)
        0x95, 0x38, 0x09, 0xFE, 0x82, 0x02, 0x01,  // bytes 5-60: data, 56 x Decoded Data, buffered bytes
        0x95, 0x01, 0x06, 0x00, 0xFF, 0x09, 0x01, 0x81, 0x02,  // byte 61: further symbology identifier (vendor FF00)
        0x81, 0x03,  // byte 62: reserved (constant)
        0x05, 0x8C, 0x25, 0x01, 0x75, 0x01, 0x09, 0xFF, 0x81, 0x02,  // byte 63 bit 0: data continued
        0x95, 0x07, 0x81, 0x03,  // byte 63 bits 1-7: padding
        0xC0,
        0x06, 0x00, 0xFF, 0x09, 0x02, 0xA1, 0x02,  // commands to the reader (vendor FF00)
        0x85, 0xFD, 0x15, 0x00, 0x26, 0xFF, 0x00, 0x75, 0x08, 0x95, 0x01, 0x09, 0x03, 0x91, 0x02,  // report 253, byte 1: length
        0x95, 0x3E, 0x09, 0x04, 0x92, 0x02, 0x01,  // bytes 2-63: output data, up to 62 bytes
        0xC0,
        0xC0,
    ]

    static func hex(_ text: String) -> [UInt8] {
        ReportCapture.bytes(fromHex: String(text.filter { $0.isHexDigit })) ?? []
    }
}

