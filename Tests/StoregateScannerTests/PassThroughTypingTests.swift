import StoregateCore
@testable import StoregateScanners
import Testing

/// Keyboard pass-through's key generation: what storegate types in a layout must read back, through the same
/// layout's keyboard-wedge decoder, as the scan itself — by boot reports (what a USB keyboard sends) and by the
/// Linux key events the uinput keyboard writes.
@Suite struct PassThroughTypingTests {
    /// What the decoder reads from `chords` sent as boot reports: each key pressed and released with the chord's
    /// modifiers held, then everything released.
    static func decodeAsReports(_ chords: [KeyChord], layout: KeyboardLayout) -> [UInt8] {
        var decoder = KeyboardWedgeDecoder(layout: layout)
        var output: [UInt8] = []
        for chord in chords {
            for key in chord.keys {
                decoder.decode(BootKeyboardReport(modifiers: chord.modifiers, keys: [key]), into: &output)
                decoder.decode(BootKeyboardReport(modifiers: chord.modifiers, keys: []), into: &output)
            }
            decoder.decode(BootKeyboardReport(modifiers: [], keys: []), into: &output)
        }
        return output
    }

    /// What storegate's evdev path (``EvdevKeyboardState`` → decoder) reads from these key events.
    static func decodeAsEvdev(_ events: [EvdevKeyEvent], layout: KeyboardLayout) -> [UInt8] {
        var state = EvdevKeyboardState()
        var decoder = KeyboardWedgeDecoder(layout: layout)
        var output: [UInt8] = []
        for case .key(let code, let pressed) in events {
            if let report = state.apply(code: code, value: pressed ? 1 : 0) { decoder.decode(report, into: &output) }
        }
        return output
    }

    /// Types `text` with `format` and checks both round trips give `expected`.
    func roundTrip(_ text: String, _ format: PassThroughFormat, expected: String, _ comment: Comment? = nil) throws {
        let chords = try format.keys(typing: Array(text.utf8)).get()
        #expect(Self.decodeAsReports(chords, layout: format.layout) == Array(expected.utf8), comment)
        let events = try #require(EvdevKeyboardState.events(typing: chords), comment)
        #expect(Self.decodeAsEvdev(events, layout: format.layout) == Array(expected.utf8), comment)
    }

    /// Every character each layout can type (printable ASCII and the layout's own, e.g. ß, é, £, €).
    static func typable(in layout: KeyboardLayout) -> [Unicode.Scalar] {
        var scalars: Set<Unicode.Scalar> = []
        for usage in UInt8.min...UInt8.max {
            guard let levels = layout.levels(ofUsage: usage) else { continue }
            for scalar in [levels.normal, levels.shifted, layout.hasAltGr ? levels.altGr : nil].compactMap({ $0 }) where !scalar.isControl {
                scalars.insert(scalar)
            }
        }
        return scalars.sorted { $0.value < $1.value }
    }

    @Test(arguments: KeyboardLayout.all)
    func everyCharacterALayoutTypesReadsBackAsItself(_ layout: KeyboardLayout) throws {
        let scalars = Self.typable(in: layout)
        #expect(scalars.count > 90, "\(layout.name): \(scalars.count) characters")
        let allowed = try PassThroughCharacters.parse(String(String.UnicodeScalarView(scalars)), layout: layout).get()
        let format = PassThroughFormat(layout: layout, suffix: .none, allowed: allowed, maxLength: 4_096)
        for scalar in scalars {
            try self.roundTrip(String(scalar), format, expected: String(scalar), "\(layout.name) U+\(String(scalar.value, radix: 16))")
        }
        try self.roundTrip(String(String.UnicodeScalarView(scalars)), format, expected: String(String.UnicodeScalarView(scalars)), "\(layout.name): all at once")
    }

    @Test(arguments: KeyboardLayout.all)
    func printableASCIIIsTypableExceptTheDeadKeys(_ layout: KeyboardLayout) {
        let missing = (0x20...0x7E).compactMap(Unicode.Scalar.init(_:)).filter { !layout.canType($0) }
        let expected: [String: String] = ["us": "", "uk": "", "de": "^`", "fr": "`~"]
        #expect(String(String.UnicodeScalarView(missing)) == expected[layout.name], "\(layout.name)")
    }

    static let gs1Scan = "]d2010950600013435221ABC-12/x.y\u{1D}17211231\u{1D}10LOT7"

    @Test(arguments: KeyboardLayout.all)
    func groupSeparatorAsCtrlBracketAndAsAlt0029ReadsBackAsGS(_ layout: KeyboardLayout) throws {
        for rendering in [PassThroughFormat.GroupSeparator.controlBracket, .altKeypad] {
            try self.roundTrip(Self.gs1Scan, PassThroughFormat(layout: layout, groupSeparator: rendering),
                               expected: Self.gs1Scan + "\r", "\(layout.name) \(rendering)")
        }
    }

    @Test(arguments: KeyboardLayout.all)
    func groupSeparatorDroppedOrReplaced(_ layout: KeyboardLayout) throws {
        let dropped = Self.gs1Scan.split(separator: "\u{1D}").joined()
        try self.roundTrip(Self.gs1Scan, PassThroughFormat(layout: layout, groupSeparator: .drop), expected: dropped + "\r")
        let replaced = Self.gs1Scan.split(separator: "\u{1D}").joined(separator: "{GS}")
        let replacement = try PassThroughFormat.GroupSeparator.parse("{GS}", layout: layout).get()
        try self.roundTrip(Self.gs1Scan, PassThroughFormat(layout: layout, groupSeparator: replacement), expected: replaced + "\r")
    }

    @Test func suffixesAreEnterTabOrNothing() throws {
        for (suffix, typed) in [(PassThroughFormat.Suffix.enter, "\r"), (.tab, "\t"), (.none, "")] {
            try self.roundTrip("0123", PassThroughFormat(layout: .de, suffix: suffix), expected: "0123" + typed)
        }
    }

    @Test func theKeypadIsNeverUsedForCharacters() throws {
        for layout in KeyboardLayout.all {
            let chords = try PassThroughFormat(layout: layout, suffix: .none).keys(typing: Array("0123456789+-*/.".utf8)).get()
            #expect(!chords.flatMap(\.keys).contains { (0x54...0x63).contains($0) }, "\(layout.name)")
        }
        // AZERTY digits are Shift + the top row.
        #expect(KeyboardLayout.fr.chord(typing: "1") == KeyChord(modifiers: .leftShift, keys: [0x1E]))
        #expect(KeyboardLayout.de.chord(typing: "@") == KeyChord(modifiers: .rightAlt, keys: [0x14]))
    }

    // MARK: the sanitiser: a scan is typed whole or not at all

    @Test(arguments: [
        ("ABC\u{1B}[2J", "control_character"), ("AB\rC", "control_character"), ("A\nB", "control_character"),
        ("A\tB", "control_character"), ("\u{0}AB", "control_character"), ("AB\u{7F}", "control_character"),
        ("AB\u{85}", "control_character"), ("A\u{200B}B", "control_character"), ("A\u{202E}B", "control_character"),
        ("AB\u{1E}C", "control_character"), ("AB\u{4}", "control_character"),
        ("", "empty"), ("caf\u{E9}", "not_allowed"), ("A\u{20AC}", "not_allowed"),
    ])
    func controlAndDisallowedCharactersTypeNothing(_ scan: String, _ reason: String) {
        let result = PassThroughFormat(layout: .us).keys(typing: Array(scan.utf8))
        #expect(result.failureCode == reason, "\(scan.unicodeScalars.map { $0.value })")
    }

    @Test func invalidUTF8TypesNothing() {
        #expect(PassThroughFormat().keys(typing: [0x41, 0xFF, 0x42]).failureCode == "not_utf8")
        #expect(PassThroughFormat().keys(typing: [0x41, 0xC3]).failureCode == "not_utf8")
    }

    @Test func overLongScansTypeNothingAndTheLimitIsInclusive() throws {
        var format = PassThroughFormat(layout: .us, suffix: .none)
        format.maxLength = 10
        #expect(try format.keys(typing: Array("0123456789".utf8)).get().count == 10)
        #expect(format.keys(typing: Array("0123456789A".utf8)).failureCode == "too_long")
        // GS counts as a character; a huge scan is refused before it is decoded.
        #expect(format.keys(typing: Array("012345678\u{1D}9".utf8)).failureCode == "too_long")
        #expect(format.keys(typing: [UInt8](repeating: 0x41, count: 1_000_000)).failureCode == "too_long")
        #expect(PassThroughFormat().keys(typing: [UInt8](repeating: 0x41, count: 129)).failureCode == "too_long")
    }

    @Test func charactersOutsideTheAllowedSetOrTheLayoutTypeNothing() throws {
        let gs1 = PassThroughFormat(layout: .us, allowed: .gs1)
        #expect(gs1.keys(typing: Array("0109506000134352\u{1D}21A#B".utf8)).failureCode == "not_allowed")
        #expect(gs1.keys(typing: Array("]d20109506000134352".utf8)).failureCode == "not_allowed")
        #expect(throws: Never.self) { try gs1.keys(typing: Array("010950600013435221A/B\u{1D}10X".utf8)).get() }
        // German: ^ is a dead key, so printable ASCII's ^ cannot be typed there.
        #expect(PassThroughFormat(layout: .de).keys(typing: Array("A^B".utf8)).failureCode == "untypable")
        let digits = try PassThroughCharacters.parse("0123456789", layout: .fr).get()
        #expect(PassThroughFormat(layout: .fr, allowed: digits).keys(typing: Array("12a".utf8)).failureCode == "not_allowed")
        #expect(PassThroughFormat(layout: .fr, allowed: digits).keys(typing: Array("12".utf8)).isSuccess)
    }

    @Test func refusalsNameCharactersByCodePointNeverByThemselves() {
        let refusal = PassThroughFormat().keys(typing: Array("AB\u{1B}[31m".utf8))
        guard case .failure(let reason) = refusal else { Issue.record("typed"); return }
        #expect("\(reason)" == "the scan holds the control character U+001B")
        #expect(!"\(reason)".contains("\u{1B}"))
        guard case .failure(let other) = PassThroughFormat(allowed: .gs1).keys(typing: Array("A#".utf8)) else { return }
        #expect("\(other)" == "the scan holds U+0023 '#', which pass_through_allowed does not allow")
    }

    // MARK: configuration values

    @Test func allowedSetsAreNamedOrListedAndNeverHoldControls() throws {
        #expect(try PassThroughCharacters.parse("printable-ascii", layout: .us).get() == .printableASCII)
        #expect(try PassThroughCharacters.parse("gs1", layout: .de).get() == .gs1)
        #expect(try PassThroughCharacters.parse("0123456789ABC-", layout: .fr).get().contains("-"))
        #expect("\(PassThroughCharacters.parse("AB\u{1D}", layout: .us).failure!)".contains("control character U+001D"))
        #expect("\(PassThroughCharacters.parse("AB\t", layout: .us).failure!)".contains("control character U+0009"))
        #expect("\(PassThroughCharacters.parse("", layout: .us).failure!)".contains("must not be empty"))
        #expect("\(PassThroughCharacters.parse("AB^`", layout: .de).failure!)" == "layout de cannot type U+005E '^', U+0060 '`'")
        #expect("\(PassThroughCharacters.parse("\u{E9}", layout: .us).failure!)".contains("layout us cannot type U+00E9"))
    }

    @Test func groupSeparatorSpellings() throws {
        #expect(try PassThroughFormat.GroupSeparator.parse("ctrl-]", layout: .us).get() == .controlBracket)
        #expect(try PassThroughFormat.GroupSeparator.parse("alt-0029", layout: .us).get() == .altKeypad)
        #expect(try PassThroughFormat.GroupSeparator.parse("drop", layout: .us).get() == .drop)
        #expect(try PassThroughFormat.GroupSeparator.parse("~", layout: .de).get() == .replacement("~"))
        #expect(PassThroughFormat.GroupSeparator.parse("ctrl-[", layout: .us).failure != nil)
        #expect(PassThroughFormat.GroupSeparator.parse("alt-0030", layout: .us).failure != nil)
        #expect(PassThroughFormat.GroupSeparator.parse("^", layout: .de).failure != nil)
        #expect(PassThroughFormat.GroupSeparator.parse("A\u{1B}", layout: .us).failure != nil)
        #expect(PassThroughFormat.GroupSeparator.parse(String(repeating: "x", count: 17), layout: .us).failure != nil)
    }

    // MARK: Linux key codes

    @Test func keyCodesInvertTheEvdevTable() {
        for usage in UInt8.min...UInt8.max {
            guard let code = EvdevKeyboardState.keyCode(ofUsage: usage) else { continue }
            #expect(EvdevKeyboardState.usage(ofKeyCode: code) == usage, "usage \(usage)")
        }
        #expect(EvdevKeyboardState.keyCode(ofUsage: 0x28) == 28)  // KEY_ENTER
        #expect(EvdevKeyboardState.keyCode(ofUsage: 0x30) == 27)  // KEY_RIGHTBRACE
        #expect(EvdevKeyboardState.keyCodes(of: [.leftControl, .leftShift, .leftAlt, .rightAlt]) == [29, 42, 56, 100])
        // Every key any layout types has a Linux key code, so the virtual keyboard can press it.
        for layout in KeyboardLayout.all {
            for scalar in Self.typable(in: layout) {
                #expect(layout.chord(typing: scalar)?.keys.allSatisfy { EvdevKeyboardState.keyCode(ofUsage: $0) != nil } == true)
            }
        }
    }

    @Test func eachKeyEventIsItsOwnReport() throws {
        let events = try #require(EvdevKeyboardState.events(typing: [KeyChord(modifiers: .leftShift, keys: [0x04])]))
        #expect(events == [
            .key(code: 42, pressed: true), .synchronize, .key(code: 30, pressed: true), .synchronize,
            .key(code: 30, pressed: false), .synchronize, .key(code: 42, pressed: false), .synchronize,
        ])
        #expect(EvdevKeyboardState.events(typing: [KeyChord(keys: [0x32])]) == nil)  // the ISO # key: no code of its own
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }

    var isSuccess: Bool { self.failure == nil }
}

extension Result where Failure == PassThroughRefusal {
    var failureCode: String? { self.failure?.code }
}
