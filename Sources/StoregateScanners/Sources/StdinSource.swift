#if canImport(Glibc)
internal import Glibc
#endif
public import StoregateCore

/// Scans typed or piped on standard input, one per line (`{GS}` for 0x1D), as in a replay file.
public struct StdinSource: ScanSource {
    public let name = "stdin"
    public let assignment: LaneAssignment

    public init(assignment: LaneAssignment) {
        self.assignment = assignment
    }

    public func run(emit: @Sendable (ScanEvent) async throws -> Void) async throws {
        let reader = FileDescriptorReader(descriptor: 0)
        defer { reader.stop() }
        reader.start()
        var line: [UInt8] = []
        var first = SourceClock.now()
        func finish(at time: Timestamp) async throws {
            defer { line.removeAll(keepingCapacity: true) }
            if line.last == 0x0D { line.removeLast() }
            guard !line.isEmpty, line.first != UInt8(ascii: "#") else { return }
            let bytes = ScanLineFormat.unescape(String(decoding: line, as: UTF8.self))
            try await emit(ScanEvent(bytes: bytes, device: "stdin", lane: self.assignment.lane, role: self.assignment.role,
                                     firstReport: first, lastReport: time))
        }
        for await event in reader.events {
            guard case .data(let bytes, let time) = event else { continue }
            for byte in bytes {
                if byte == 0x0A {
                    try await finish(at: time)
                } else {
                    if line.isEmpty { first = time }
                    if line.count < 65_536 { line.append(byte) }
                }
            }
        }
        try await finish(at: SourceClock.now())
    }
}
