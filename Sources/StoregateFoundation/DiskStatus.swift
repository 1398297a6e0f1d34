/// The disk as the status reports it (JSON keys in snake_case).
public struct DiskStatus: Sendable, Equatable, Codable {
    /// Free bytes on the ledger's filesystem at the last look; nil if it could not be read.
    public var freeBytes: Int64?
    /// Free space is under the low-space threshold, or the reserve was released: verifies are not journaled.
    public var lowSpace: Bool
    public var reserveBytes: Int64
    /// The reserve file is in place. False after it was released (or when it never fit): free space now.
    public var reserveHeld: Bool
    /// When a full disk made the gateway release the reserve (cleared once the reserve is held again).
    public var reserveReleasedMs: Int64?
    /// Verifies answered without a journal event because space was low (since the gateway started).
    public var verifiesNotJournaled: Int

    public init(freeBytes: Int64?, lowSpace: Bool, reserveBytes: Int64, reserveHeld: Bool, reserveReleasedMs: Int64?,
                verifiesNotJournaled: Int) {
        self.freeBytes = freeBytes
        self.lowSpace = lowSpace
        self.reserveBytes = reserveBytes
        self.reserveHeld = reserveHeld
        self.reserveReleasedMs = reserveReleasedMs
        self.verifiesNotJournaled = verifiesNotJournaled
    }
}
