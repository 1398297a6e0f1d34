/// How a stream of typed bytes is cut into scans.
public struct ScanSegmentation: Sendable, Hashable {
    /// Bytes that end a scan (not part of it). Empty when the scanner sends no suffix and only the pause ends a scan.
    public var terminators: [UInt8]
    /// A pause longer than this between two reports ends the scan in progress.
    public var interKeyTimeoutMilliseconds: Int64
    /// The longest scan kept; longer input is cut and reported incomplete (a stuck key must not grow memory).
    public var maximumLength: Int

    /// Whether a pause ends a scan normally (no terminators configured) or cuts it short (a terminator was expected).
    public var timeoutCompletesScan: Bool { self.terminators.isEmpty }

    public init(terminators: [UInt8] = [0x0D], interKeyTimeoutMilliseconds: Int64 = 250, maximumLength: Int = 8192) {
        self.terminators = terminators
        self.interKeyTimeoutMilliseconds = max(1, interKeyTimeoutMilliseconds)
        self.maximumLength = max(1, maximumLength)
    }

    /// Enter (CR, and LF for serial scanners that send CR LF), the default.
    public static let enter = ScanSegmentation(terminators: [0x0D, 0x0A])
    public static let tab = ScanSegmentation(terminators: [0x09])
    /// No suffix: a scan ends after `milliseconds` without a report.
    public static func pause(milliseconds: Int64) -> ScanSegmentation {
        ScanSegmentation(terminators: [], interKeyTimeoutMilliseconds: milliseconds)
    }
}
