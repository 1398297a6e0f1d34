extension KeyboardLayout {
    /// French AZERTY (the traditional layout): A/Q, Z/W swapped, M beside L, digits only with Shift on the top row,
    /// `[` `]` `{` `}` `@` `#` `\` `|` only with AltGr; `^`/`¨` and AltGr+`~`/`` ` `` are dead keys and type nothing here.
    public static let fr: KeyboardLayout = {
        var keys = Self.letterKeys("qbcdefghijkl,noparstuvzxyw")
        keys[0x10] = KeyLevels(",", "?")  // the key right of N, where US has M
        let rows: [(UInt8, Unicode.Scalar?, Unicode.Scalar?)] = [
            (0x1E, "&", "1"), (0x1F, "é", "2"), (0x20, "\"", "3"), (0x21, "'", "4"), (0x22, "(", "5"),
            (0x23, "-", "6"), (0x24, "è", "7"), (0x25, "_", "8"), (0x26, "ç", "9"), (0x27, "à", "0"),
            (0x2D, ")", "°"), (0x2E, "=", "+"), (0x2F, nil, nil), (0x30, "$", "£"), (0x31, "*", "µ"),
            (0x32, "*", "µ"), (0x33, "m", "M"), (0x34, "ù", "%"), (0x35, "²", nil), (0x36, ";", "."),
            (0x37, ":", "/"), (0x38, "!", "§"), (0x64, "<", ">"),
        ]
        for (usage, normal, shifted) in rows {
            keys[usage] = KeyLevels(normal, shifted)
        }
        let altGr: [(UInt8, Unicode.Scalar)] = [
            (0x20, "#"), (0x21, "{"), (0x22, "["), (0x23, "|"), (0x25, "\\"), (0x26, "^"), (0x27, "@"),
            (0x2D, "]"), (0x2E, "}"), (0x08, "€"), (0x30, "¤"),
        ]
        for (usage, scalar) in altGr {
            keys[usage]?.altGr = scalar
        }
        return KeyboardLayout(name: "fr", hasAltGr: true, keys: keys)
    }()
}
