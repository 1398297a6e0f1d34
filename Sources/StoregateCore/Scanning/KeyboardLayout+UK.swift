extension KeyboardLayout {
    /// UK English (QWERTY, ISO): `"` and `@` swapped with US, `£` on Shift+3, `#`/`~` beside Enter, `\`/`|` beside
    /// left Shift, AltGr+4 = `€`.
    public static let uk: KeyboardLayout = {
        var keys = Self.letterKeys("abcdefghijklmnopqrstuvwxyz")
        let rows: [(UInt8, Unicode.Scalar, Unicode.Scalar)] = [
            (0x1E, "1", "!"), (0x1F, "2", "\""), (0x20, "3", "£"), (0x21, "4", "$"), (0x22, "5", "%"),
            (0x23, "6", "^"), (0x24, "7", "&"), (0x25, "8", "*"), (0x26, "9", "("), (0x27, "0", ")"),
            (0x2D, "-", "_"), (0x2E, "=", "+"), (0x2F, "[", "{"), (0x30, "]", "}"), (0x31, "#", "~"),
            (0x32, "#", "~"), (0x33, ";", ":"), (0x34, "'", "@"), (0x35, "`", "¬"), (0x36, ",", "<"),
            (0x37, ".", ">"), (0x38, "/", "?"), (0x64, "\\", "|"),
        ]
        for (usage, normal, shifted) in rows {
            keys[usage] = KeyLevels(normal, shifted)
        }
        keys[0x21]?.altGr = "€"
        return KeyboardLayout(name: "uk", hasAltGr: true, keys: keys)
    }()
}
