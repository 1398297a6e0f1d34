@testable import StoregateLink
import Testing

/// The uplink's small state machines without a broker: refusal detection and the shutdown's phases.
@Suite struct UplinkStateMachineTests {
    static let topic = "storegate/test/events"

    @Test func threeSilentDropsInARowAreARefusalAndOneDeliveryEndsIt() {
        var detector = RefusalDetector(eventsTopic: Self.topic)
        for drop in 1...RefusalDetector.silentDropsForRefusal {
            detector.connected()
            detector.published(5)
            let refusal = detector.disconnected()
            #expect((refusal != nil) == (drop == RefusalDetector.silentDropsForRefusal), "drop \(drop)")
        }
        #expect(detector.refusal?.contains(Self.topic) == true)
        // Reported once: a fourth drop says nothing new.
        detector.connected()
        detector.published(1)
        let again = detector.disconnected()
        #expect(again == nil)
        detector.connected()
        let ended = detector.delivered()
        #expect(ended, "the first acknowledgement ends the refusal")
        #expect(detector.refusal == nil)
        let endedAgain = detector.delivered()
        #expect(!endedAgain)
    }

    @Test func aConnectionThatDeliveredOrPublishedNothingIsNoSilentDrop() {
        var detector = RefusalDetector(eventsTopic: Self.topic)
        for _ in 0..<5 {
            detector.connected()
            let idle = detector.disconnected()
            #expect(idle == nil, "nothing published")
            detector.connected()
            detector.published(3)
            _ = detector.delivered()
            let acknowledged = detector.disconnected()
            #expect(acknowledged == nil, "acknowledged")
        }
        #expect(detector.refusal == nil)
    }

    @Test func anExplicitRefusalIsNewOnlyTheFirstTime() {
        var detector = RefusalDetector(eventsTopic: Self.topic)
        let first = detector.refused(seq: 7, reasonCode: 0x87)
        #expect(first.isNew)
        #expect(first.reason.contains("event 7"))
        let second = detector.refused(seq: 8, reasonCode: 0x87)
        #expect(!second.isNew)
        #expect(detector.refusal?.contains("event 8") == true)
    }

    @Test func shutdownWaitsForTheOfflineStatusAndTheWindowUntilTheDeadline() {
        let start = ContinuousClock.now
        var shutdown = UplinkShutdown(flushMilliseconds: 2_000)
        #expect(shutdown.isRunning)
        #expect(!shutdown.shouldComplete(connected: true, windowEmpty: true, awaitingAcknowledgement: { _ in false }, now: start))
        shutdown.beginFinishing(offlineStatus: 42, now: start)
        #expect(shutdown.isFinishing)
        let soon = start + .milliseconds(100)
        #expect(!shutdown.shouldComplete(connected: true, windowEmpty: false, awaitingAcknowledgement: { _ in false }, now: soon))
        #expect(!shutdown.shouldComplete(connected: true, windowEmpty: true, awaitingAcknowledgement: { $0 == 42 }, now: soon))
        #expect(shutdown.shouldComplete(connected: true, windowEmpty: true, awaitingAcknowledgement: { _ in false }, now: soon))
        #expect(shutdown.shouldComplete(connected: false, windowEmpty: false, awaitingAcknowledgement: { $0 == 42 }, now: soon))
        #expect(shutdown.shouldComplete(connected: true, windowEmpty: false, awaitingAcknowledgement: { $0 == 42 },
                                        now: start + .milliseconds(2_000)))
        shutdown.finish()
        #expect(shutdown.isDone)
    }
}
