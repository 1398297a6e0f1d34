import StoregateCore
import StoregateScanners
import Testing

@Suite struct SourceConfigurationTests {
    @Test func usbSpecWithOptionsSetsTheLane() throws {
        let spec = try ScanSourceSpec(parsing: "usb:0c2e:0b61,lane=2,role=redemption,layout=de,suffix=tab,timeout=80")
        #expect(spec.kind == .usb(.vendorProduct(0x0C2E, 0x0B61)))
        #expect(spec.assignment?.lane == "2" && spec.assignment?.role == .redemption && spec.assignment?.layout == .de)
        #expect(spec.assignment?.segmentation.terminators == [0x09])
        #expect(spec.assignment?.segmentation.interKeyTimeoutMilliseconds == 80)
    }

    @Test func everySourceKindParses() throws {
        #expect(try ScanSourceSpec(parsing: "usb:serial=VKBD1").kind == .usb(.serialNumber("VKBD1")))
        #expect(try ScanSourceSpec(parsing: "usb:port=1-1.2").kind == .usb(.portPath("1-1.2")))
        #expect(try ScanSourceSpec(parsing: "usb:0x05e0").kind == .usb(.vendorProduct(0x05E0, nil)))
        #expect(try ScanSourceSpec(parsing: "evdev:/dev/input/event3").kind == .evdev(path: "/dev/input/event3"))
        #expect(try ScanSourceSpec(parsing: "serial:/dev/ttyACM0").kind == .serial(path: "/dev/ttyACM0"))
        #expect(try ScanSourceSpec(parsing: "replay:a.txt").kind == .replay(path: "a.txt"))
        #expect(try ScanSourceSpec(parsing: "stdin").kind == .stdin)
        #expect(try ScanSourceSpec(parsing: "stdin").assignment == nil)
    }

    @Test(arguments: [
        ("usb:xyz", "expected usb:VID[:PID]"),
        ("usb:0c2e:12345", "is not a USB product id"),
        ("usb:0c2e:0b61,lane", "is not KEY=VALUE"),
        ("usb:0c2e:0b61,role=cashier", "role 'cashier' is not one of"),
        ("usb:0c2e:0b61,layout=dvorak", "layout 'dvorak' is not one of"),
        ("usb:0c2e:0b61,timeout=0", "is not a number of milliseconds"),
        ("usb:0c2e:0b61,speed=9", "unknown option 'speed'"),
        ("bluetooth:1", "unknown source"),
        ("evdev:", "needs a path"),
    ])
    func badSpecsSayWhatIsWrong(text: String, message: String) {
        #expect {
            try ScanSourceSpec(parsing: text)
        } throws: { error in
            "\(error)".contains(message) && "\(error)".contains(text)
        }
    }

    @Test func rulesMatchByIdsSerialAndPortFirstRuleWins() {
        let lane1 = LaneAssignment(lane: "1", role: .checkout)
        let lane2 = LaneAssignment(lane: "2", role: .receiving)
        let lane3 = LaneAssignment(lane: "3", role: .redemption)
        let configuration = LaneMapping(rules: [
            DeviceRule(match: .serialNumber("S-2"), assignment: lane2),
            DeviceRule(match: .portPath("1-1.3"), assignment: lane3),
            DeviceRule(match: .vendorProduct(0x0C2E, nil), assignment: lane1),
        ], defaultAssignment: LaneAssignment(lane: "service", role: .service))
        #expect(configuration.assignment(for: DeviceIdentity(vendorID: 0x0C2E, productID: 1, serialNumber: "S-2")).lane == "2")
        #expect(configuration.assignment(for: DeviceIdentity(vendorID: 0x0C2E, productID: 1, portPath: "1-1.3")).lane == "3")
        #expect(configuration.assignment(for: DeviceIdentity(vendorID: 0x0C2E, productID: 9)).lane == "1")
        #expect(configuration.assignment(for: DeviceIdentity(vendorID: 0x05E0, productID: 9)).role == .service)
    }

    @Test func knownScannersNameProfilesAndNewlandModes() {
        #expect(KnownScanners.entry(vendorID: 0x0C2E, productID: 0x0B61)?.model == "Vuquest 3310g")
        #expect(KnownScanners.entry(vendorID: 0x05F9, productID: 0x4204)?.mode == "serial")
        #expect(KnownScanners.entry(vendorID: 0x0C2E, productID: 0x9999)?.profile == "honeywell")
        #expect(KnownScanners.entry(vendorID: 0x1EAB, productID: 0x8310)?.mode == "hid-pos")
        #expect(KnownScanners.entry(vendorID: 0x1EAB, productID: 0x8303)?.mode == "keyboard-wedge")
        #expect(KnownScanners.entry(vendorID: 0x1234, productID: 0x5678) == nil)
    }

    @Test func usbPermissionErrorSpellsOutTheFix() {
        let error = USBError(code: USBError.accessDenied.code, operation: "opening /dev/bus/usb/001/004",
                             device: "USB 0c2e:0b61 at 1-1.2", hint: "add the udev rule devices/udev/60-storegate.rules and put the service user in group storegate")
        let text = "\(error)"
        #expect(text.hasPrefix("USB 0c2e:0b61 at 1-1.2: opening /dev/bus/usb/001/004 failed: permission denied"))
        #expect(text.contains("60-storegate.rules") && text.contains("group storegate"))
        do {
            throw error
        } catch USBError.accessDenied {
            // matched by code
        } catch {
            Issue.record("USBError.accessDenied did not match its own code")
        }
    }
}
