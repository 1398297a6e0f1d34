/// One AI and its value as read from a scan (element string, HRI or Digital Link), before validation.
struct GS1RawElement: Sendable {
    var ai: String
    var definition: GS1ApplicationIdentifier
    var value: [UInt8]
    /// Set when a reader already reported this value's problem (a lost GS), so it is not reported twice.
    var alreadyReported = false
}
