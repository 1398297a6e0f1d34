/// Lower-case hex digits: hashes and UUIDs as the journal and the contract write them.
public enum Hex {
    @inline(__always)
    public static func digit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? nibble + 48 : nibble + 87
    }

    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out = [UInt8]()
        for byte in bytes {
            out.append(Self.digit(byte >> 4))
            out.append(Self.digit(byte & 0x0F))
        }
        return String(decoding: out, as: UTF8.self)
    }
}
