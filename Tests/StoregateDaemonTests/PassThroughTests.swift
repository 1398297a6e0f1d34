import Foundation
import Logging
import StoregateConfig
import StoregateCore
import StoregateDaemon
import StoregateGateway
import StoregateLedger
import StoregateLink
import StoregateScanners
import StoregateTesting
import Synchronization
import Testing

/// Keyboard pass-through in the daemon: its `[[scanner]]` keys, each bad value refused by name, and the scan
/// pipeline typing accepted scans — and only those — on the virtual keyboard.
@Suite struct PassThroughTests {
    static let scanner = """
        [[scanner]]
        source = "usb:0c2e:0b61,layout=de"
        lane = "1"
        role = "checkout"

        """

    @Test func passThroughIsOffUnlessAskedAndTakesTheScannersLayout() throws {
        #expect(try ConfigLoader.parse(Self.scanner).scanners.first?.passThrough == nil)
        let settings = try #require(try ConfigLoader.parse(Self.scanner + "pass_through = true").scanners.first?.passThrough)
        #expect(settings == PassThroughSettings(format: PassThroughFormat(layout: .de)))
        #expect(settings.format.groupSeparator == .controlBracket && settings.format.suffix == .enter)
        #expect(settings.format.allowed == .printableASCII && settings.format.maxLength == 128)
        #expect(settings.keyDelayMilliseconds == 1)
        let serial = try ConfigLoader.parse("[[scanner]]\nsource = \"serial:/dev/ttyACM0\"\nlane = \"2\"\nrole = \"redemption\"\npass_through = true")
        #expect(serial.scanners.first?.passThrough?.format.layout == .us)
    }

    @Test func everyPassThroughKeyIsRead() throws {
        let config = try ConfigLoader.parse(Self.scanner + """
            pass_through = true
            pass_through_layout = "fr"
            pass_through_suffix = "tab"
            pass_through_gs = "alt-0029"
            pass_through_allowed = "gs1"
            pass_through_max_length = 90
            pass_through_key_delay_ms = 4
            """)
        let settings = try #require(config.scanners.first?.passThrough)
        #expect(settings == PassThroughSettings(
            format: PassThroughFormat(layout: .fr, groupSeparator: .altKeypad, suffix: .tab, allowed: .gs1, maxLength: 90),
            keyDelayMilliseconds: 4))
        let replaced = try ConfigLoader.parse(Self.scanner + "pass_through = true\npass_through_gs = \"~\"\npass_through_allowed = \"0123456789\"")
        #expect(replaced.scanners.first?.passThrough?.format.groupSeparator == .replacement("~"))
        #expect(replaced.scanners.first?.passThrough?.format.allowed.contains("7") == true)
        #expect(replaced.scanners.first?.passThrough?.format.allowed.contains("A") == false)
    }

    @Test(arguments: [
        ("pass_through = 1", "pass_through", "must be true or false"),
        ("pass_through = true\npass_through_layout = \"dvorak\"", "pass_through_layout", "dvorak is not a keyboard layout; use one of us, uk, de, fr"),
        ("pass_through = true\npass_through_suffix = \"crlf\"", "pass_through_suffix", "crlf is not a suffix; use enter, tab or none"),
        ("pass_through = true\npass_through_gs = \"ctrl-[\"", "pass_through_gs", "ctrl-[ is not a GS rendering"),
        ("pass_through = true\npass_through_gs = \"^\"", "pass_through_gs", "cannot be typed in layout de"),
        ("pass_through = true\npass_through_allowed = \"AB\\u001b\"", "pass_through_allowed", "control character U+001B"),
        ("pass_through = true\npass_through_allowed = \"AB^\"", "pass_through_allowed", "layout de cannot type U+005E '^'"),
        ("pass_through = true\npass_through_allowed = \"\"", "pass_through_allowed", "must not be empty"),
        ("pass_through = true\npass_through_max_length = 0", "pass_through_max_length", "out of range (1–4096)"),
        ("pass_through = true\npass_through_key_delay_ms = 500", "pass_through_key_delay_ms", "out of range (0–100)"),
        ("pass_through_gs = \"drop\"", "pass_through_gs", "has no effect without pass_through = true"),
        ("pass_through = false\npass_through_suffix = \"tab\"", "pass_through_suffix", "has no effect without pass_through = true"),
        ("pass_through_typo = true", "pass_through_typo", "unknown key"),
    ])
    func eachBadValueNamesItsKey(_ lines: String, _ key: String, _ problem: String) {
        do {
            _ = try ConfigLoader.parse(Self.scanner + lines)
            Issue.record("accepted: \(lines)")
        } catch {
            #expect(error.errors.map(\.key) == ["scanner[1].\(key)"], "\(error.errors)")
            #expect(error.errors.first?.problem.contains(problem) == true, "\(error.errors)")
        }
    }

    /// Records the virtual keyboard's key events.
    final class RecordingSink: KeyEventSink {
        let events = Mutex<[EvdevKeyEvent]>([])
        func send(_ events: [EvdevKeyEvent]) throws(DeviceFileError) { self.events.withLock { $0 += events } }

        /// What a reader of the keyboard gets in `layout`: storegate's own evdev decoding.
        func typed(layout: KeyboardLayout) -> String {
            var state = EvdevKeyboardState()
            var decoder = KeyboardWedgeDecoder(layout: layout)
            var output: [UInt8] = []
            for case .key(let code, let pressed) in self.events.withLock({ $0 }) {
                if let report = state.apply(code: code, value: pressed ? 1 : 0) { decoder.decode(report, into: &output) }
            }
            return String(decoding: output, as: UTF8.self)
        }
    }

    @Test func onlyAcceptedScansAreTypedAndAnAcceptedScanThatMayNotBeTypedSaysSo() async throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        try fixture.register(ids: ["01/09506000134352/21/PT1", "01/09506000134352/21/PT2", "01/09506000134352/21/PT3"])
        // Lane 1: printable ASCII, GS as Ctrl+]; PT1 accepted then already sold, an unknown code, PT3 accepted.
        let lane1 = fixture.directory.file("lane1.txt")
        try "]d2010950600013435221PT1{GS}10LOT7\n]d2010950600013435221PT1{GS}10LOT7\n]d2010950600013435221NOPE\n]d2010950600013435221PT3\n"
            .write(toFile: lane1, atomically: true, encoding: .utf8)
        // Lane 2: only GS1's characters, so PT2 with its AIM prefix (`]`) is accepted but not typed.
        let lane2 = fixture.directory.file("lane2.txt")
        try "]d2010950600013435221PT2\n".write(toFile: lane2, atomically: true, encoding: .utf8)
        var gs1 = PassThroughFormat(layout: .de, groupSeparator: .drop)
        gs1.allowed = .gs1
        let scanners = [
            ScannerConfiguration(source: "replay:\(lane1)", lane: "1", role: .checkout, operatorName: "op",
                                 passThrough: PassThroughSettings(format: PassThroughFormat(layout: .de), keyDelayMilliseconds: 0)),
            ScannerConfiguration(source: "replay:\(lane2)", lane: "2", role: .checkout, operatorName: "op",
                                 passThrough: PassThroughSettings(format: gs1, keyDelayMilliseconds: 0)),
        ]
        let sink = RecordingSink()
        let typist = PassThroughTypist(makeSink: { sink }, onStatus: { _ in })
        let answers = Mutex<[String]>([])
        let desk = OperationDesk(ledger: fixture.ledger, disk: DiskGuard(ledger: fixture.ledger, configuration: DiskGuardConfiguration()))
        let pipeline = ScanPipeline(desk: desk, scanners: scanners, operations: DaemonConfiguration().operations,
                                    logger: Logger(label: "pass-through-test"), typist: typist) { line in answers.withLock { $0.append(line) } }
        let running = Task { try await pipeline.run() }
        defer { running.cancel() }
        try await waitUntil("both replays decided", seconds: 30) { answers.withLock { $0.count } == 5 }
        typist.drain()

        #expect(sink.typed(layout: .de) == "]d2010950600013435221PT1\u{1D}10LOT7\r]d2010950600013435221PT3\r")
        #expect(typist.counters == PassThroughTypist.Counters(typed: 2, failed: 0, dropped: 0))
        let lines = answers.withLock { $0 }
        #expect(lines.filter { $0.hasPrefix("lane 1 ") && $0.contains("ACCEPTED") && !$0.contains("NOT TYPED") }.count == 2, "\(lines)")
        #expect(lines.filter { $0.hasPrefix("lane 1 ") && $0.contains("REJECTED") }.count == 2, "\(lines)")
        let notTyped = try #require(lines.first { $0.hasPrefix("lane 2 ") })
        #expect(notTyped.contains("ACCEPTED") && notTyped.hasSuffix(
            "; NOT TYPED to the till: the scan holds U+005D ']', which pass_through_allowed does not allow; key it in by hand"), "\(notTyped)")
        #expect(pipeline.passThroughRefusals == ["not_allowed": 1])
        // The gateway's counters (heartbeat, status, /metrics) say the same.
        let counters = desk.counters.snapshot
        #expect([counters["pass_through_typed"], counters["pass_through_failed"], counters["pass_through_dropped"],
                  counters["pass_through_refused"]] == [2, 0, 0, 1], "\(counters)")
    }
}
