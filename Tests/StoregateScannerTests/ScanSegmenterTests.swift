import StoregateCore
import Testing

@Suite struct ScanSegmenterTests {
    func at(_ milliseconds: Int64) -> Timestamp { Timestamp(milliseconds: milliseconds) }

    @Test func enterEndsAScanAndIsNotPartOfIt() {
        var segmenter = ScanSegmenter(segmentation: .enter)
        #expect(segmenter.append(Array("ab".utf8), at: self.at(1)).isEmpty)
        let scans = segmenter.append(Array("c\r\nde\r".utf8), at: self.at(5))
        #expect(scans.map(\.bytes) == [Array("abc".utf8), Array("de".utf8)])
        #expect(scans.allSatisfy { $0.complete })
        #expect(scans[0].firstReport == self.at(1) && scans[0].lastReport == self.at(5))
    }

    @Test func aPauseBeforeTheTerminatorCutsTheScanShort() {
        var segmenter = ScanSegmenter(segmentation: ScanSegmentation(terminators: [0x0D], interKeyTimeoutMilliseconds: 100))
        _ = segmenter.append(Array("0109".utf8), at: self.at(0))
        #expect(segmenter.tick(at: self.at(100)).isEmpty)
        let cut = segmenter.tick(at: self.at(101))
        #expect(cut.map(\.bytes) == [Array("0109".utf8)])
        #expect(cut.first?.complete == false)
        #expect(!segmenter.hasPendingScan)
    }

    @Test func withoutASuffixThePauseCompletesTheScan() {
        var segmenter = ScanSegmenter(segmentation: .pause(milliseconds: 50))
        _ = segmenter.append(Array("0109".utf8), at: self.at(0))
        let scans = segmenter.append(Array("X".utf8), at: self.at(60))
        #expect(scans.map(\.bytes) == [Array("0109".utf8)])
        #expect(scans.first?.complete == true)
        #expect(segmenter.hasPendingScan)
    }

    @Test func unplugMidScanReportsItIncomplete() {
        var segmenter = ScanSegmenter(segmentation: .enter)
        _ = segmenter.append(Array("]d20109".utf8), at: self.at(0))
        let scans = segmenter.interrupt(at: self.at(3))
        #expect(scans.count == 1 && scans[0].complete == false && scans[0].bytes == Array("]d20109".utf8))
        #expect(segmenter.interrupt(at: self.at(4)).isEmpty)
    }

    @Test func tabAndCustomTerminators() {
        var tab = ScanSegmenter(segmentation: .tab)
        #expect(tab.append(Array("a\r\tb".utf8), at: self.at(0)).map(\.bytes) == [Array("a\r".utf8)])
        var custom = ScanSegmenter(segmentation: ScanSegmentation(terminators: [0x03]))
        #expect(custom.append([0x41, 0x03], at: self.at(0)).map(\.bytes) == [[0x41]])
    }

    @Test func anOversizedScanIsCutIncompleteAndTheRestDroppedUntilTheTerminator() {
        var segmenter = ScanSegmenter(segmentation: ScanSegmentation(terminators: [0x0D], maximumLength: 4))
        let scans = segmenter.append(Array("abcdefg\rxy\r".utf8), at: self.at(0))
        #expect(scans.map(\.bytes) == [Array("abcd".utf8), Array("xy".utf8)])
        #expect(scans.map(\.complete) == [false, true])
    }

    @Test func emptyScansAreDropped() {
        var segmenter = ScanSegmenter(segmentation: .enter)
        #expect(segmenter.append(Array("\r\n\r".utf8), at: self.at(0)).isEmpty)
    }

    @Test func lostInputMakesTheScanBeingTypedIncompleteNeverAShorterCompleteOne() {
        var segmenter = ScanSegmenter(segmentation: ScanSegmentation(terminators: [0x0D], interKeyTimeoutMilliseconds: 100))
        _ = segmenter.append(Array("]d20109".utf8), at: self.at(0))
        segmenter.lost(at: self.at(5))
        let cut = segmenter.append(Array("3435221AB\r".utf8), at: self.at(10))
        #expect(cut.map(\.bytes) == [Array("]d201093435221AB".utf8)])
        #expect(cut.first?.complete == false, "a scan with a hole is never complete")
        #expect(segmenter.append(Array("NEXT\r".utf8), at: self.at(20)).first?.complete == true)

        // A loss between scans taints the next one (its start may be what was lost) ...
        segmenter.lost(at: self.at(30))
        #expect(segmenter.append(Array("21SN\r".utf8), at: self.at(40)).first?.complete == false)
        // ... unless a pause longer than the inter-key timeout shows a new scan began after it.
        segmenter.lost(at: self.at(50))
        #expect(segmenter.tick(at: self.at(151)).isEmpty)
        #expect(segmenter.append(Array("FRESH\r".utf8), at: self.at(160)).first?.complete == true)
    }
}
