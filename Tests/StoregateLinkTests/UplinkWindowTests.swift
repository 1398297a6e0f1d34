import StoregateLink
import Testing

/// The uplink's bookkeeping without a broker: which seq range each refill reads, and what a PUBACK means.
@Suite struct UplinkWindowTests {
    /// A backlog over `interleaveAfter`: refills alternate between live events (written after the connect) and the
    /// backlog, so a redemption made now is not stuck behind the backlog.
    @Test func aLargeBacklogAlternatesWithLiveEvents() {
        var window = UplinkWindow(capacity: 4, interleaveAfter: 10)
        window.restart(oldestPending: 1, backlog: 50, headSeq: 50)
        #expect(window.nextRange() == (51, .max))
        #expect(window.nextRange() == (1, 51))
        window.sent(seq: 1, messageID: 1)
        window.sent(seq: 51, messageID: 2)
        #expect(window.nextRange() == (52, .max))
        #expect(window.nextRange() == (2, 51))
        #expect(window.free == 2)
    }

    /// An empty live range is not asked again until something may have been written (the pipeline's signal or a
    /// tick): during a drain the live stream is idle, and reading it on every refill doubled the queries.
    @Test func anEmptyLiveRangeIsSkippedUntilTheOutboxMayHaveGrown() {
        var window = UplinkWindow(capacity: 4, interleaveAfter: 10)
        window.restart(oldestPending: 1, backlog: 50, headSeq: 50)
        let live = window.nextRange()
        #expect(live == (51, .max))
        window.rangeWasEmpty(live)
        #expect(window.nextRange() == (1, 51))
        #expect(window.nextRange() == (1, 51), "live stays skipped")
        window.sent(seq: 1, messageID: 1)
        #expect(window.nextRange() == (2, 51))
        window.outboxMayHaveGrown()
        #expect(window.nextRange() == (51, .max), "asked again once new events may exist")
        #expect(window.nextRange() == (2, 51))
    }

    /// The backlog found empty below the live start merges the two cursors; then one range reads everything.
    @Test func theBacklogCaughtUpMergesIntoOneCursor() {
        var window = UplinkWindow(capacity: 4, interleaveAfter: 10)
        window.restart(oldestPending: 40, backlog: 11, headSeq: 50)
        window.rangeWasEmpty(window.nextRange())   // live: nothing yet
        let backlog = window.nextRange()
        #expect(backlog == (40, 51))
        window.rangeWasEmpty(backlog)
        #expect(window.nextRange() == (51, .max))
        #expect(window.liveStart == nil)
    }

    /// A small backlog needs no second cursor.
    @Test func aSmallBacklogIsOneStream() {
        var window = UplinkWindow(capacity: 4, interleaveAfter: 10)
        window.restart(oldestPending: 45, backlog: 6, headSeq: 50)
        #expect(window.nextRange() == (45, .max))
        #expect(window.nextRange() == (45, .max))
    }

    /// PUBACKs map back to seqs; a refusal (reason ≥ 0x80) is not a delivery; ids from before a reconnect are unknown.
    @Test func acknowledgementsMapMessageIDsToSeqs() {
        var window = UplinkWindow(capacity: 4, interleaveAfter: 10)
        window.restart(oldestPending: 1, backlog: 3, headSeq: 3)
        window.sent(seq: 1, messageID: 7)
        window.sent(seq: 2, messageID: 8)
        #expect(window.acknowledged(messageID: 7, reasonCode: 0) == .delivered(seq: 1))
        #expect(window.acknowledged(messageID: 8, reasonCode: 0x87) == .refused(seq: 2, reasonCode: 0x87))
        window.sent(seq: 3, messageID: 9)
        window.connectionLost()
        #expect(window.acknowledged(messageID: 9, reasonCode: 0) == .unknown)
        #expect(window.isEmpty)
    }
}
