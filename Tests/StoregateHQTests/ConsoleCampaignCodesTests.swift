import Foundation
import Logging
import StoregateContract
import StoregateCore
import StoregateFoundation
@testable import StoregateHQ
import StoregateTesting
import Testing

/// A code batch issued for a campaign, as the console and `storegate-hq codes issue --campaign` issue it, redeemed at
/// a real `storegate run` gateway: the store must learn the campaign (a signed `policy` message with its window) with
/// the codes, or it refuses every code of the batch as `campaign_inactive`.
@Suite(.serialized) struct ConsoleCampaignCodesTests {
    @Test func aBatchIssuedForACampaignIsRedeemableAtTheGateway() async throws {
        let harness = try HQHarness()
        var store = try RealGatewayTests.Gateway(store: "S-camp", region: "CN-31", harness: harness)
        var configuration = harness.configuration()
        configuration.downlinkResendMilliseconds = 2_000
        let hq = try await harness.start(configuration)
        #expect(try await hq.application.database.waitForSchema())
        _ = try harness.value("INSERT INTO stores (store_id, name, region) VALUES ('S-camp', 'Camp', 'CN-31')")
        try store.start(harness.broker)
        defer { store.stop() }
        try await waitUntil("the gateway online at HQ", seconds: 30, interval: .milliseconds(100)) {
            (try? harness.int("SELECT count(*) FROM gateways WHERE status_state = 'online'")) == 1
        }
        // What `codes issue --campaign` used to send: the codes with their campaign, and nothing about the campaign.
        // The gateway registers them and refuses each one: it knows no campaign of that name.
        let old = "01/09506000134352/21/OLDPATH0001"
        var body = DownlinkBody()
        body.codes = [DownlinkBody.Code(code: old, product: "cap", campaign: "spring-caps", regions: ["CN-31"])]
        let outbox = DownlinkOutbox(signer: harness.signer)
        let logger = Logger(label: "campaign-test")
        try await hq.application.database.transaction { connection in
            try await outbox.enqueue(kind: "codes", target: "S-camp", body: body, on: connection, now: Timestamp.now.milliseconds, logger: logger)
        }
        try await waitUntil("the store applied the bare codes message", seconds: 60, interval: .milliseconds(100)) {
            (try? harness.int("SELECT count(*) FROM downlink_reports WHERE stream = 'codes:S-camp' AND outcome = 'applied'")) == 1
        }
        let refused = try Self.redeem(store, old, harness: harness)
        #expect(refused.status == 1 && (refused.answer.contains("campaign_inactive") || refused.answer.contains("not running")),
                "\(refused.answer)")

        let issued = try await CodeBatchIssuer(database: hq.application.database, configuration: configuration)
            .issue(.init(gtin: "09506000134352", count: 3, campaign: "spring-caps", region: "CN-31", product: "cap"))
        try await waitUntil("the store applied every message of the batch", seconds: 60, interval: .milliseconds(100)) {
            (try? harness.int("SELECT count(*) FROM batch_distribution WHERE state NOT IN ('applied', 'duplicate')")) == 0
                && ((try? harness.int("SELECT count(*) FROM batch_distribution")) ?? 0) >= 1
        }
        let accepted = try Self.redeem(store, issued.codes[0], harness: harness)
        #expect(accepted.status == 0, "the gateway refused a code of the campaign's batch: \(accepted.answer)")
        try await hq.stop()
    }

    /// `storegate redeem` at the store: its exit status (0 accepted, 1 refused) and what it printed.
    static func redeem(_ store: RealGatewayTests.Gateway, _ code: String, harness: HQHarness) throws -> (status: Int32?, answer: String) {
        let output = harness.directory.file("redeem-\(UUID().uuidString).txt")
        let redeem = try ChildProcess(executable: store.binary, arguments: [
            "redeem", "--db", store.db, "--lane", "1", "--operator", "camp", "https://id.gs1.org/\(code)"],
                                      stdoutFile: output, stderrFile: output)
        let status = redeem.wait(seconds: 30)
        return (status, (try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
    }
}
