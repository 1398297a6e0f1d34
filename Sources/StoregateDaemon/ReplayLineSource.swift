import Foundation
public import StoregateCore
public import StoregateScanners

/// `replay:FILE`: one scan per line, `{GS}` standing for 0x1D, blank lines and lines starting with `#` skipped.
///
/// A minimal stand-in until the scanner branch's replay source is on main (it will replace this file).
public struct ReplayLineSource: ScanSource {
    public let name: String
    let path: String
    let lane: String
    let role: LaneRole

    public init(path: String, lane: String, role: LaneRole) {
        self.name = "replay:\(path)"
        self.path = path
        self.lane = lane
        self.role = role
    }

    public func run(emit: @Sendable (ScanEvent) async throws -> Void) async throws {
        let text = try String(contentsOfFile: self.path, encoding: .utf8)
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            try Task.checkCancellation()
            var scan = String(line)
            if scan.hasSuffix("\r") { scan.removeLast() }
            if scan.isEmpty || scan.hasPrefix("#") { continue }
            var bytes: [UInt8] = []
            var rest = Substring(scan)
            while let range = rest.range(of: "{GS}") {
                bytes += Array(rest[..<range.lowerBound].utf8) + [0x1D]
                rest = rest[range.upperBound...]
            }
            bytes += Array(rest.utf8)
            let now = Timestamp(milliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded()))
            try await emit(ScanEvent(bytes: Array(bytes.prefix(4096)), device: self.name, lane: self.lane, role: self.role,
                                     firstReport: now, lastReport: now))
        }
    }
}

/// Builds scan sources from their specs.
public enum SourceFactory {
    public static let supported = "replay:FILE"

    public static func isKnown(_ spec: String) -> Bool {
        spec.hasPrefix("replay:") && spec.count > "replay:".count
    }

    public static func make(_ scanner: ScannerConfiguration) -> (any ScanSource)? {
        guard Self.isKnown(scanner.source) else { return nil }
        return ReplayLineSource(path: String(scanner.source.dropFirst("replay:".count)), lane: scanner.lane, role: scanner.role)
    }
}
