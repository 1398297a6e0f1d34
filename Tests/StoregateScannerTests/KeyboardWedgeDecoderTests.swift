import StoregateCore
import Testing

@Suite struct KeyboardWedgeDecoderTests {
    /// Types `reports` into a fresh decoder and returns what came out.
    func typed(_ reports: [[UInt8]], layout: KeyboardLayout = .us) -> [UInt8] {
        var decoder = KeyboardWedgeDecoder(layout: layout)
        var output: [UInt8] = []
        for report in reports { decoder.decode(report, into: &output) }
        return output
    }

    func key(_ modifiers: UInt8, _ usages: UInt8...) -> [UInt8] {
        [modifiers, 0] + usages + [UInt8](repeating: 0, count: 6 - usages.count)
    }

    let release: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0]

    @Test func ctrlRightBracketIsGroupSeparatorInEveryLayout() {
        for layout in KeyboardLayout.all {
            #expect(self.typed([self.key(0x01, 0x30), self.release], layout: layout) == [0x1D], "layout \(layout.name)")
            #expect(self.typed([self.key(0x10, 0x30), self.release], layout: layout) == [0x1D], "right Ctrl, \(layout.name)")
        }
    }

    @Test func ctrlWithAltGrBracketIsGroupSeparatorOnGermanAndFrench() {
        // DE: ] is AltGr+9 (usage 0x26); FR: ] is AltGr+) (usage 0x2D).
        #expect(self.typed([self.key(0x41, 0x26)], layout: .de) == [0x1D])
        #expect(self.typed([self.key(0x41, 0x2D)], layout: .fr) == [0x1D])
    }

    @Test func ctrlLettersFollowTheLayoutsLetters() {
        // On AZERTY the key at US 'q' types 'a': Ctrl+it is 0x01, not 0x11.
        #expect(self.typed([self.key(0x01, 0x14)], layout: .fr) == [0x01])
        #expect(self.typed([self.key(0x01, 0x14)], layout: .us) == [0x11])
        // On QWERTZ the key at US 'y' types 'z': Ctrl+Z = 0x1A.
        #expect(self.typed([self.key(0x01, 0x1C)], layout: .de) == [0x1A])
    }

    @Test func ctrlWithAKeyThatHasNoControlCharacterTypesNothing() {
        #expect(self.typed([self.key(0x01, 0x1E), self.release, self.key(0x01, 0x2C)]) == [])
    }

    @Test func altKeypadDecimalWithAndWithoutLeadingZero() {
        let alt0029 = [self.key(0x04, 0x62), self.key(0x04), self.key(0x04, 0x62), self.key(0x04), self.key(0x04, 0x5A),
                       self.key(0x04), self.key(0x04, 0x61), self.release]
        #expect(self.typed(alt0029) == [0x1D])
        #expect(self.typed([self.key(0x04, 0x5A), self.key(0x04, 0x61), self.release]) == [0x1D])
        // Right Alt is Alt on US (no AltGr) but AltGr on DE, where it starts no Alt code.
        #expect(self.typed([self.key(0x40, 0x5A), self.key(0x40, 0x61), self.release], layout: .us) == [0x1D])
        #expect(self.typed([self.key(0x40, 0x5A), self.release], layout: .de) == [])
    }

    @Test func altCodesAboveAsciiAreLatin1AndLargeCodesWrapModulo256() {
        // Alt+0233 = é (U+00E9), UTF-8 C3 A9; Alt+297 = 297 mod 256 = 41 = ')'.
        let e = [self.key(0x04, 0x62), self.key(0x04, 0x5A), self.key(0x04), self.key(0x04, 0x5B), self.key(0x04),
                 self.key(0x04, 0x5B), self.release]
        #expect(self.typed(e) == [0xC3, 0xA9])
        let wrap = [self.key(0x04, 0x5A), self.key(0x04, 0x61), self.key(0x04, 0x5F), self.release]
        #expect(self.typed(wrap) == [0x29])
    }

    @Test func altCodeIsAbandonedByANonKeypadKey() {
        #expect(self.typed([self.key(0x04, 0x5A), self.key(0x04, 0x04), self.key(0x04, 0x61), self.release]) == [0x09])
    }

    @Test func layoutsDifferWhereTheirChartsSay() {
        #expect(self.typed([self.key(0x02, 0x1F)], layout: .us) == Array("@".utf8))
        #expect(self.typed([self.key(0x02, 0x1F)], layout: .uk) == Array("\"".utf8))
        #expect(self.typed([self.key(0x02, 0x20)], layout: .uk) == Array("£".utf8))
        #expect(self.typed([self.key(0x00, 0x1C)], layout: .de) == Array("z".utf8))
        #expect(self.typed([self.key(0x00, 0x2D)], layout: .de) == Array("ß".utf8))
        #expect(self.typed([self.key(0x40, 0x14)], layout: .de) == Array("@".utf8))
        #expect(self.typed([self.key(0x00, 0x1E)], layout: .fr) == Array("&".utf8))
        #expect(self.typed([self.key(0x02, 0x1E)], layout: .fr) == Array("1".utf8))
        #expect(self.typed([self.key(0x00, 0x10)], layout: .fr) == Array(",".utf8))
        #expect(self.typed([self.key(0x00, 0x33)], layout: .fr) == Array("m".utf8))
    }

    @Test func deadKeysTypeNothing() {
        #expect(self.typed([self.key(0x00, 0x2E)], layout: .de) == [])  // ´
        #expect(self.typed([self.key(0x00, 0x2F)], layout: .fr) == [])  // ^
    }

    @Test func capsLockTogglesLettersOnlyAndShiftUndoesIt() {
        let reports = [self.key(0, 0x39), self.release, self.key(0, 0x04), self.release, self.key(0, 0x1E), self.release,
                       self.key(0x02, 0x05), self.release, self.key(0, 0x39), self.release, self.key(0, 0x06)]
        #expect(self.typed(reports) == Array("A1bc".utf8))
        // CapsLock on DE also capitalises umlauts, which have a capital on Shift.
        #expect(self.typed([self.key(0, 0x39), self.release, self.key(0, 0x2F)], layout: .de) == Array("Ü".utf8))
        // On AZERTY the top row is not letters: CapsLock leaves é alone.
        #expect(self.typed([self.key(0, 0x39), self.release, self.key(0, 0x1F)], layout: .fr) == Array("é".utf8))
    }

    @Test func heldKeysTypeOnceAndNewKeysInOneReportTypeInOrder() {
        #expect(self.typed([self.key(0, 0x04), self.key(0, 0x04), self.key(0, 0x04, 0x05), self.key(0, 0x05)]) == Array("ab".utf8))
        #expect(self.typed([self.key(0, 0x06, 0x04, 0x05)]) == Array("cab".utf8))
    }

    @Test func errorRollOverKeepsThePreviousState() {
        let rollover: [UInt8] = [0, 0, 1, 1, 1, 1, 1, 1]
        // 'a' held, rollover, 'a' still held: typed once. Then released, typed again.
        #expect(self.typed([self.key(0, 0x04), rollover, self.key(0, 0x04), self.release, self.key(0, 0x04)]) == Array("aa".utf8))
    }

    @Test func keypadTypesDigitsAndEnter() {
        #expect(self.typed([self.key(0, 0x59), self.key(0, 0x62), self.key(0, 0x63), self.key(0, 0x58)]) == Array("10.\r".utf8))
    }

    @Test func emptyAndOddReportsDoNotCrashOrType() {
        #expect(self.typed([[], [0], [0xFF], [0, 0], [0, 0, 0xFF, 0xFE, 0xFD, 0xFC, 0xFB, 0xFA, 0x04]]) == [])
    }

    @Test func resetForgetsHeldKeysSoTheSameKeyTypesAgain() {
        var decoder = KeyboardWedgeDecoder(layout: .us)
        var output: [UInt8] = []
        decoder.decode(self.key(0, 0x04), into: &output)
        decoder.reset()
        decoder.decode(self.key(0, 0x04), into: &output)
        #expect(output == Array("aa".utf8))
    }

    @Test func layoutsAreFoundByNameAndAlias() {
        #expect(KeyboardLayout.named("AZERTY") == .fr)
        #expect(KeyboardLayout.named("gb") == .uk)
        #expect(KeyboardLayout.named("dvorak") == nil)
    }
}
