import Foundation
import StoregateContract
import StoregateCore
import StoregateLedger
import StoregateTesting
import Testing
import StoregateLink

@Suite(.serialized)
struct UplinkRefusalAndBacklogTests {
    @Test func brokerDenyingTheTopicLeavesEventsUndeliveredAndStatusSaysWhy() async throws {
        let fixture = try LedgerFixture()
        defer { fixture.directory.remove() }
        // Anonymous clients may publish their status and reports but not events (an ACL mistake at HQ).
        let aclFile = fixture.directory.file("acl")
        try """
            topic readwrite \(TopicScheme.fleetFilter(.status))
            topic readwrite \(TopicScheme.fleetFilter(.heartbeat))
            topic read \(TopicScheme.everything)
            """.write(toFile: aclFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: aclFile)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fixture.directory.path)
        let broker = try Broker(extraConfig: "acl_file \(aclFile)")
        defer { broker.stop() }
        try fixture.produce(20)
        let harness = try LinkHarness(fixture: fixture, port: broker.port) { $0.refusedRetryMilliseconds = 60_000 }
        do {
            try await waitUntil("a refusal", seconds: 40) { harness.link.status?.uplinkRefusal != nil }
        } catch {
            Issue.record("no refusal; broker log: \(broker.log); status: \(String(describing: harness.link.status))")
            throw error
        }
        try await Task.sleep(for: .milliseconds(300))
        let status = try #require(harness.link.status)
        await harness.stop()

        #expect(try fixture.ledger.outboxSummary().undelivered == 20, "nothing refused is marked delivered")
        #expect(status.uplinkRefusal?.contains("Not authorized") == true, "\(status.uplinkRefusal ?? "nil")")
        #expect(status.uplinkRefusal?.contains("ACL") == true)
        #expect(status.uplinkRefusal?.contains(harness.topics.events) == true)
        #expect(harness.counters.value(.delivered) == 0)
        // The status file `storegate status` reads says the same.
        let file = try HQJSON.decode(GatewayStatus.self, from: Array(try Data(contentsOf: URL(fileURLWithPath: fixture.directory.file("status.json")))))
        #expect(file.uplinkRefusal == status.uplinkRefusal)
    }

    @Test func backlogOf100kEventsDrainsWithoutMemoryGrowth() async throws {
        let broker = try Broker()
        defer { broker.stop() }
        let fixture = try LedgerFixture()
        defer { fixture.directory.remove() }
        let total = 100_000
        try BulkOutbox.fill(ledgerPath: fixture.path, count: total)
        #expect(try fixture.ledger.outboxSummary().undelivered == total)
        let subscriber = try TestSubscriber(port: broker.port, keepPayloads: false)
        try await subscriber.waitUntilSubscribed()

        let harness = try LinkHarness(fixture: fixture, port: broker.port)
        var samples: [(remaining: Int, rss: Int)] = []
        while true {
            let remaining = harness.undelivered
            samples.append((remaining, ProcessMemory.residentKilobytes()))
            if remaining == 0 { break }
            try await Task.sleep(for: .milliseconds(250))
            try #require(samples.count < 4 * 240, "drain took over 4 minutes")
        }
        try await waitUntil("all arrived") { subscriber.arrivalCounts.count >= total }
        await harness.stop()
        await subscriber.stop()

        // Flat: after the first quarter (caches warm), resident memory grows by less than 8 MB while the rest drains.
        let warm = samples.first(where: { $0.remaining <= total * 3 / 4 })?.rss ?? samples[0].rss
        let peak = samples.map(\.rss).max() ?? 0
        #expect(peak - warm < 8_192, "RSS grew from \(warm) kB to \(peak) kB")
        #expect(subscriber.arrivalCounts.count == total)
    }
}

enum ProcessMemory {
    /// VmRSS of this process from /proc/self/status, in kB.
    static func residentKilobytes(pid: String = "self") -> Int {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
}

