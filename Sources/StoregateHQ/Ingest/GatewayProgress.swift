/// One event's place in its gateway's hash chain.
struct ChainLink: Sendable, Equatable {
    var seq: Int64
    var hash: [UInt8]
    var prevHash: [UInt8]
}

/// Where a gateway's chain does not hold: the event at `seq` names a `prev_hash` other than its predecessor's hash.
struct ChainBreak: Sendable, Equatable {
    var seq: Int64
    var expected: [UInt8]
    var found: [UInt8]
}

/// A gateway's contiguous progress: every seq up to `watermark` is committed at HQ, and `headHash` is the hash of
/// the event at the watermark. Pure: the ingest feeds it the links it has, in any arrival order, and it advances
/// only over contiguous seqs, checking each link as its predecessor is known.
struct GatewayProgress: Sendable, Equatable {
    static let genesisHash = [UInt8](repeating: 0, count: 32)

    var watermark: Int64
    /// Nil only before the first event.
    var headHash: [UInt8]?

    /// Advances over `links` (any order, duplicates and seqs at or below the watermark ignored) as far as they are
    /// contiguous; returns the links whose `prev_hash` did not match. A break does not stop the watermark: the
    /// events are stored and the break is alerted, never silently skipped.
    mutating func advance(over links: [ChainLink]) -> [ChainBreak] {
        var bySeq: [Int64: ChainLink] = [:]
        for link in links where link.seq > self.watermark { bySeq[link.seq] = link }
        var breaks: [ChainBreak] = []
        while let next = bySeq[self.watermark + 1] {
            let expected = self.watermark == 0 ? Self.genesisHash : self.headHash
            if let expected, next.prevHash != expected {
                breaks.append(ChainBreak(seq: next.seq, expected: expected, found: next.prevHash))
            }
            self.watermark = next.seq
            self.headHash = next.hash
        }
        return breaks
    }
}
