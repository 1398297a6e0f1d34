extension KeyboardLayout {
    /// German (QWERTZ, T1): Y and Z swapped; `[` `]` `{` `}` `\` `@` `~` `|` only with AltGr; `´` and `^` are dead
    /// keys and type nothing here.
    public static let de: KeyboardLayout = {
        var keys = Self.letterKeys("abcdefghijklmnopqrstuvwxzy")
        let rows: [(UInt8, Unicode.Scalar?, Unicode.Scalar?)] = [
            (0x1E, "1", "!"), (0x1F, "2", "\""), (0x20, "3", "§"), (0x21, "4", "$"), (0x22, "5", "%"),
            (0x23, "6", "&"), (0x24, "7", "/"), (0x25, "8", "("), (0x26, "9", ")"), (0x27, "0", "="),
            (0x2D, "ß", "?"), (0x2E, nil, nil), (0x2F, "ü", "Ü"), (0x30, "+", "*"), (0x31, "#", "'"),
            (0x32, "#", "'"), (0x33, "ö", "Ö"), (0x34, "ä", "Ä"), (0x35, nil, "°"), (0x36, ",", ";"),
            (0x37, ".", ":"), (0x38, "-", "_"), (0x64, "<", ">"),
        ]
        for (usage, normal, shifted) in rows {
            keys[usage] = KeyLevels(normal, shifted)
        }
        let altGr: [(UInt8, Unicode.Scalar)] = [
            (0x14, "@"), (0x08, "€"), (0x10, "µ"), (0x1F, "²"), (0x20, "³"), (0x24, "{"), (0x25, "["),
            (0x26, "]"), (0x27, "}"), (0x2D, "\\"), (0x30, "~"), (0x64, "|"),
        ]
        for (usage, scalar) in altGr {
            keys[usage]?.altGr = scalar
        }
        return KeyboardLayout(name: "de", hasAltGr: true, keys: keys)
    }()
}
