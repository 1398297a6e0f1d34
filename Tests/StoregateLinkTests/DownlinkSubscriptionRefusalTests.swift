import Foundation
import StoregateContract
import StoregateCore
import StoregateLedger
import StoregateTesting
import Testing
import StoregateLink

/// A broker whose ACL does not let the gateway read HQ's downlink refuses the subscription (SUBACK 0x87): the
/// gateway must say so in its status, not run on as if HQ simply had nothing to say.
@Suite(.serialized)
struct DownlinkSubscriptionRefusalTests {
    @Test func aRefusedDownlinkSubscriptionIsInTheStatus() async throws {
        let fixture = try LedgerFixture()
        defer { fixture.directory.remove() }
        let broker = try Broker.refusingSubscriptions(except: "\(TopicScheme.root)/S1/#", in: fixture.directory)
        defer { broker.stop() }
        let harness = try LinkHarness(fixture: fixture, port: broker.port, downlink: true)
        do {
            try await waitUntil("the refusal in the status", seconds: 30) { harness.link.status?.downlinkRefusal != nil }
        } catch {
            Issue.record("no refusal; broker log: \(broker.log); status: \(String(describing: harness.link.status))")
            throw error
        }
        let status = try #require(harness.link.status)
        await harness.stop()
        let refusal = status.downlinkRefusal ?? ""
        #expect(refusal.contains("Not authorized") && refusal.contains("0x87"), "\(refusal)")
        #expect(refusal.contains(TopicScheme.root + "/hq/"), "\(refusal)")
        // The status file `storegate status` and `doctor` read carries it too.
        let file = try String(contentsOfFile: fixture.directory.file("status.json"), encoding: .utf8)
        #expect(file.contains("downlink_refusal"))
    }
}
