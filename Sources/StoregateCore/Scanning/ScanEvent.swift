/// One scan as a source delivered it, before parsing: what a scanner sent, from where, and when.
public struct ScanEvent: Sendable, Equatable {
    /// The scan's bytes with GS as 0x1D and without the terminator; an AIM prefix, if sent, is still in front.
    public var bytes: [UInt8]
    /// The symbology the transport reported beside the data (HID POS symbology field), if any.
    public var symbology: Symbology?
    /// Which device it came from, e.g. `usb:0c2e:0b61@1-1.2`, `evdev:/dev/input/event3`, `replay:morning.txt`.
    public var device: String
    /// The lane the device is mapped to by configuration.
    public var lane: String
    /// The lane's role, which picks the default operation.
    public var role: LaneRole
    /// When the first and the last report (or byte, or line) of this scan arrived.
    public var firstReport: Timestamp
    public var lastReport: Timestamp
    /// False when the scan was cut short (unplug, inter-key timeout, truncated report): never accepted.
    public var complete: Bool

    public init(
        bytes: [UInt8],
        symbology: Symbology? = nil,
        device: String,
        lane: String,
        role: LaneRole,
        firstReport: Timestamp,
        lastReport: Timestamp,
        complete: Bool = true
    ) {
        self.bytes = bytes
        self.symbology = symbology
        self.device = device
        self.lane = lane
        self.role = role
        self.firstReport = firstReport
        self.lastReport = lastReport
        self.complete = complete
    }
}
