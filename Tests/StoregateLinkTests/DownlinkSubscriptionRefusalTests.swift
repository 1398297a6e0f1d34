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
        // mosquitto's dynamic-security plugin checks subscriptions when they are made (an acl_file only filters
        // what is delivered): the gateway may subscribe to its own topics, not to HQ's.
        let dynsec = fixture.directory.file("dynamic-security.json")
        try """
            {"defaultACLAccess": {"publishClientSend": true, "publishClientReceive": true, "subscribe": false, "unsubscribe": true},
             "clients": [], "groups": [{"groupname": "anonymous", "roles": [{"rolename": "gateway"}]}],
             "roles": [{"rolename": "gateway", "acls": [
                 {"acltype": "subscribePattern", "topic": "\(TopicScheme.root)/S1/#", "priority": 0, "allow": true}]}],
             "anonymousGroup": "anonymous"}
            """.write(toFile: dynsec, atomically: true, encoding: .utf8)
        // The broker, dropped to its own user when the tests run as root, reads and rewrites the file.
        try FileManager.default.setAttributes([.posixPermissions: 0o666], ofItemAtPath: dynsec)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: fixture.directory.path)
        let broker = try Broker(extraConfig: """
            plugin /usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so
            plugin_opt_config_file \(dynsec)
            """)
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
