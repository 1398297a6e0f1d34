extension DiskStatus {
    /// The disk in one line, as `storegate status` and the doctor show it: free space, low-space shedding, the
    /// reserve.
    public var summary: String {
        var parts = [self.freeBytes.map { "\($0 >> 20) MiB free" } ?? "free space unknown"]
        if self.lowSpace { parts.append("LOW: verifies not journaled (\(self.verifiesNotJournaled) so far)") }
        if self.reserveHeld {
            parts.append("\(self.reserveBytes >> 20) MiB reserve held")
        } else if self.reserveReleasedMs != nil {
            parts.append("DISK WAS FULL: the reserve was released; free space now")
        } else if self.reserveBytes > 0 {
            parts.append("no reserve (it did not fit)")
        }
        return parts.joined(separator: "; ")
    }
}
