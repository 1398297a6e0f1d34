import StoregateCore
import Testing

@Suite struct EvdevKeyboardStateTests {
    @Test func keyEventsBecomeBootReportsTheDecoderTypes() {
        var state = EvdevKeyboardState()
        var decoder = KeyboardWedgeDecoder(layout: .us)
        var output: [UInt8] = []
        // KEY_RIGHTBRACE with KEY_LEFTCTRL held = GS; KEY_A; shift+KEY_1 = '!'; KEY_KP5; autorepeat ignored.
        let events: [(UInt16, Int32)] = [(29, 1), (27, 1), (27, 0), (29, 0), (30, 1), (30, 2), (30, 0), (42, 1), (2, 1),
                                         (2, 0), (42, 0), (76, 1), (76, 0), (96, 1), (96, 0)]
        for (code, value) in events {
            if let report = state.apply(code: code, value: value) { decoder.decode(report, into: &output) }
        }
        #expect(output == [0x1D] + Array("a!5\r".utf8))
    }

    @Test func unknownKeysAndStrayReleasesChangeNothing() {
        var state = EvdevKeyboardState()
        #expect(state.apply(code: 0x2FF, value: 1) == nil)
        #expect(state.apply(code: 30, value: 0) == nil)
        #expect(EvdevKeyboardState.usage(ofKeyCode: 86) == 0x64)
        #expect(EvdevKeyboardState.usage(ofKeyCode: 98) == 0x54)
    }
}
