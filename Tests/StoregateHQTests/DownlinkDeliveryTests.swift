import Foundation
import Logging
import StoregateContract
import StoregateCore
import StoregateFoundation
@testable import StoregateHQ
import StoregateLedger
import StoregateTesting
import StoregateTrust
import Synchronization
import ServiceLifecycle
import Testing

/// What HQ sends over the downlink reaches every store, with real gateways: a broadcast a store missed is sent on
/// its own stream until it reports it, and a message a store rejected as expired is issued again, once.
@Suite(.serialized) struct DownlinkDeliveryTests {
    typealias Gateway = RealGatewayTests.Gateway

    /// A store whose gateway was not connected when HQ broadcast a revocation (no session for the broker to queue
    /// it in) is sent it on its own stream once it is back, and applies it; the stores that had it are sent nothing more.
    @Test func aBroadcastRevocationReachesAStoreThatWasOfflineWhenItWentOut() async throws {
        let harness = try HQHarness()
        var north = try Gateway(store: "S-north", region: "CN-31", harness: harness)
        var south = try Gateway(store: "S-south", region: "CN-31", harness: harness)
        var west = try Gateway(store: "S-west", region: "CN-44", harness: harness)
        try north.start(harness.broker)
        try south.start(harness.broker)
        defer { north.stop(); south.stop(); west.stop() }
        var configuration = harness.configuration()
        configuration.downlinkResendMilliseconds = 1_500
        let hq = try await harness.start(configuration)
        try await Self.waitForSchema(harness)
        _ = try harness.value("""
            INSERT INTO stores (store_id, name, region) VALUES
                ('S-north', 'North', 'CN-31'), ('S-south', 'South', 'CN-31'), ('S-west', 'West', 'CN-44')
            """)
        let issued = try await CodeBatchIssuer(database: hq.application.database, configuration: configuration)
            .issue(.init(gtin: "09506000134352", count: 3, campaign: nil, region: "CN-31", product: "cap"))
        try await waitUntil("both stores applied the batch", seconds: 60, interval: .milliseconds(200)) {
            (try? harness.int("SELECT count(*) FROM batch_distribution WHERE state = 'applied'")) == 2
        }

        // A cap redeemed at two stores: HQ revokes it everywhere, while the west store's gateway is not running.
        let cap = issued.codes[0]
        try north.operate("redeem", cap)
        try south.operate("redeem", cap)
        try await waitUntil("both running gateways applied the revocation", seconds: 60, interval: .milliseconds(200)) {
            (try? harness.int("SELECT count(*) FROM downlink_reports WHERE stream = 'revocations:*' AND outcome = 'applied'")) == 2
        }
        try await waitUntil("tracked per store", seconds: 30, interval: .milliseconds(200)) {
            (try? harness.value("""
                SELECT string_agg(store_id || ':' || state, ',' ORDER BY store_id) FROM broadcast_delivery WHERE stream = 'revocations:*'
                """)) == "S-north:applied,S-south:applied,S-west:sent"
        }

        try west.start(harness.broker)
        try await waitUntil("the west store applied the revocation sent on its own stream", seconds: 60, interval: .milliseconds(200)) {
            (try? harness.int("""
                SELECT count(*) FROM downlink_reports WHERE store_id = 'S-west' AND stream = 'revocations:S-west' AND outcome = 'applied'
                """)) == 1
        }
        try await waitUntil("its tracking settled", seconds: 30, interval: .milliseconds(200)) {
            (try? harness.value("SELECT state FROM broadcast_delivery WHERE stream = 'revocations:*' AND store_id = 'S-west'")) == "applied"
        }
        try await Task.sleep(for: .seconds(3))  // two resend intervals: nothing more is sent to anyone
        #expect(try harness.value("SELECT string_agg(stream, ',' ORDER BY stream) FROM downlink_outbox WHERE stream LIKE 'revocations:%'")
                == "revocations:*,revocations:S-west")
        #expect(try harness.int("SELECT count(*) FROM downlink_reports WHERE store_id = 'S-west' AND stream LIKE 'revocations:%'") == 1)
        try await hq.stop()
        west.stop()
        #expect(try Ledger(path: west.db).record(codeID: cap)?.state == .revoked)
    }

    /// A store that starts a new ledger while a broadcast it missed is still tracked is sent everything by the
    /// epoch path (its new gateway's first status); the tracking then awaits that copy and sends no second one.
    @Test func aStoreOnANewLedgerIsSentAMissedBroadcastOnce() async throws {
        let harness = try HQHarness()
        var west = try Gateway(store: "S-west", region: "CN-44", harness: harness)
        try west.start(harness.broker)
        defer { west.stop() }
        var configuration = harness.configuration()
        configuration.downlinkResendMilliseconds = 15_000  // the new ledger's status comes well before
        let hq = try await harness.start(configuration)
        try await Self.waitForSchema(harness)
        _ = try harness.value("INSERT INTO stores (store_id, name, region) VALUES ('S-west', 'West', 'CN-44')")
        try await waitUntil("HQ has the gateway's status", seconds: 30, interval: .milliseconds(100)) {
            (try? harness.int("SELECT count(*) FROM gateways WHERE store_id = 'S-west' AND last_status IS NOT NULL")) == 1
        }

        // The gateway goes away; a revocation goes to every store; the store comes back on a new ledger.
        west.stop()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: west.db + suffix) }
        try Self.write(harness, kind: "revocations", target: "*", seq: 1, issuedMs: Timestamp.now.milliseconds,
                       revoking: "01/09506000134352/21/ALL1")
        try await waitUntil("tracked for the store", seconds: 30, interval: .milliseconds(100)) {
            (try? harness.int("SELECT count(*) FROM broadcast_delivery WHERE store_id = 'S-west'")) == 1
        }
        west = try Gateway(store: "S-west", region: "CN-44", harness: harness)
        try west.start(harness.broker)
        try await waitUntil("the new ledger applied the revocation on its store's stream", seconds: 60, interval: .milliseconds(200)) {
            (try? harness.int("""
                SELECT count(*) FROM downlink_reports WHERE store_id = 'S-west' AND stream = 'revocations:S-west' AND outcome = 'applied'
                """)) == 1
        }
        // Past the broadcast's resend time: the tracking sends no copy of its own.
        let due = try harness.int("SELECT published_ms FROM downlink_outbox WHERE stream = 'revocations:*'") + 15_000 + 2_000
        try await Task.sleep(for: .milliseconds(max(0, due - Int(Timestamp.now.milliseconds))))
        #expect(try harness.int("SELECT count(*) FROM downlink_outbox WHERE stream = 'revocations:S-west'") == 1)
        #expect(try harness.value("SELECT sent_stream || ' ' || sent_seq FROM broadcast_delivery WHERE store_id = 'S-west'")
                == "revocations:S-west 1")
        try await hq.stop()
    }

    /// A thousand stores and two broadcast revocations none of them reported: each pass of the tracking moves at
    /// most its bound of cursors and sends at most its bound of copies, and in the end every store was sent each
    /// message once, on its own stream, in the broadcast's order.
    @Test func theTrackingOfAThousandStoresIsDoneInBoundedPassesAndSendsEachStoreEachMessageOnce() async throws {
        let harness = try HQHarness()
        var logger = Logger(label: "hq-test")
        logger.logLevel = .warning
        let database = HQDatabase(configuration: harness.configuration().database, logger: logger)
        let pool = Task { try await database.run() }
        defer { pool.cancel() }
        try await database.migrate()
        _ = try harness.value("INSERT INTO stores (store_id) SELECT 'S-' || lpad(n::text, 4, '0') FROM generate_series(1, 1000) AS n")
        let hourAgo = Timestamp.now.milliseconds - 3_600_000
        for seq in Int64(1)...2 {
            try Self.write(harness, kind: "revocations", target: "*", seq: seq, issuedMs: hourAgo, revoking: "01/09506000134352/21/R\(seq)")
        }
        _ = try harness.value("UPDATE downlink_outbox SET published_ms = \(hourAgo)")
        let delivery = BroadcastDelivery(database: database, copies: DownlinkCopies(outbox: DownlinkOutbox(signer: harness.signer)),
                                         resendMilliseconds: 60_000, logger: logger)
        let copies = "SELECT count(*) FROM downlink_outbox WHERE stream LIKE 'revocations:S-%'"

        try await delivery.run(now: Timestamp.now.milliseconds)
        #expect(try harness.int("SELECT count(*) FROM broadcast_cursors") == 1_000 * BroadcastDelivery.streams.count)
        #expect(try harness.int("SELECT count(*) FROM broadcast_delivery") == BroadcastDelivery.cursorsPerPass * 2)
        #expect(try harness.int(copies) == BroadcastDelivery.checksPerPass)

        var passes = 1
        while try harness.int("SELECT count(*) FROM broadcast_delivery WHERE state = 'sent' AND sent_stream = stream") > 0
                || harness.int("SELECT count(*) FROM broadcast_delivery") < 2_000 {
            try await delivery.run(now: Timestamp.now.milliseconds, lookForNewStores: false)
            passes += 1
            #expect(passes <= 20)
            if passes > 20 { break }
        }
        #expect(try harness.int(copies) == 2_000)
        #expect(try harness.int("""
            SELECT count(*) FROM (SELECT stream FROM downlink_outbox WHERE stream LIKE 'revocations:S-%'
                                  GROUP BY stream HAVING count(*) = 2 AND max(seq) = 2) AS s
            """) == 1_000, "every store two copies, seq 1 and 2")
        let first = try harness.value("SELECT encode(envelope, 'escape') FROM downlink_outbox WHERE stream = 'revocations:S-0500' AND seq = 1")
        #expect(Self.message(in: first)?.body.revocations?.first?.code == "01/09506000134352/21/R1")
        // Nothing is due for another resend interval: a further pass sends nothing.
        try await delivery.run(now: Timestamp.now.milliseconds)
        #expect(try harness.int(copies) == 2_000)
    }

    /// A message that waited longer than the store's `downlink.max_age_hours` is rejected `expired`; HQ issues it
    /// again with a fresh `issued_ms` on the store's stream, and the store applies it.
    @Test func aMessageRejectedAsExpiredIsIssuedAgainWithAFreshIssuedTime() async throws {
        let harness = try HQHarness()
        let (west, hq) = try await Self.expiringStore(harness)
        defer { west.stop() }
        // A revocation written two hours ago that only now leaves (withheld, or the store was away).
        let now = Timestamp.now.milliseconds
        try Self.write(harness, kind: "revocations", target: "S-west", seq: 1, issuedMs: now - 2 * 3_600_000, revoking: "01/09506000134352/21/OLD1")
        try await waitUntil("the store applied it issued again", seconds: 60, interval: .milliseconds(200)) {
            (try? harness.value("""
                SELECT string_agg(seq || ':' || outcome || ':' || coalesce(problem, ''), ',' ORDER BY seq) FROM downlink_reports
                WHERE store_id = 'S-west' AND stream = 'revocations:S-west'
                """)) == "1:rejected:expired,2:applied:"
        }
        #expect(try harness.value("SELECT reissued_stream || ' ' || reissued_seq FROM downlink_reissues WHERE seq = 1") == "revocations:S-west 2")
        let issuedAgain = try harness.value("SELECT encode(envelope, 'escape') FROM downlink_outbox WHERE stream = 'revocations:S-west' AND seq = 2")
        let message = try #require(Self.message(in: issuedAgain))
        #expect(message.issuedMs >= now && message.body.revocations?.first?.code == "01/09506000134352/21/OLD1")
        #expect(try harness.int("SELECT count(*) FROM alerts WHERE kind = 'downlink_expired'") == 0)
        try await hq.stop()
        west.stop()
        #expect(try Ledger(path: west.db).record(codeID: "01/09506000134352/21/OLD1")?.state == .revoked)
    }

    /// A store that rejects the re-issued message as expired too (its clock, or the newest `issued_ms` it applied,
    /// runs hours ahead of HQ's) is not sent it a third time: HQ raises `downlink_expired` and stops.
    @Test func aReissuedMessageExpiredAgainIsAnAlertNotALoop() async throws {
        let harness = try HQHarness()
        let (west, hq) = try await Self.expiringStore(harness)
        defer { west.stop() }
        // The store applies a message issued three hours in HQ's future: from then on its "now" is that time, and
        // anything HQ issues now is three hours old to it.
        let now = Timestamp.now.milliseconds
        try Self.write(harness, kind: "revocations", target: "S-west", seq: 1, issuedMs: now + 3 * 3_600_000, revoking: "01/09506000134352/21/FUT1")
        try Self.write(harness, kind: "revocations", target: "S-west", seq: 2, issuedMs: now, revoking: "01/09506000134352/21/NOW1")
        try await waitUntil("the alert", seconds: 60, interval: .milliseconds(200)) {
            (try? harness.int("SELECT count(*) FROM alerts WHERE kind = 'downlink_expired' AND store_id = 'S-west'")) == 1
        }
        try await Task.sleep(for: .seconds(3))  // many passes of the jobs
        #expect(try harness.value("""
            SELECT string_agg(seq || ':' || outcome || ':' || coalesce(problem, ''), ',' ORDER BY seq) FROM downlink_reports
            WHERE store_id = 'S-west' AND stream = 'revocations:S-west'
            """) == "1:applied:,2:rejected:expired,3:rejected:expired")
        #expect(try harness.int("SELECT count(*) FROM downlink_outbox WHERE stream = 'revocations:S-west'") == 3, "issued again once")
        #expect(try harness.value("SELECT details->>'stream' || ' ' || (details->>'seq') FROM alerts WHERE kind = 'downlink_expired'")
                == "revocations:S-west 2")
        try await hq.stop()
    }

    /// postgres-nio warns when a connection is leased before the pool's `run()`: neither the commands nor an
    /// instance starting may do that.
    @Test func noConnectionIsLeasedBeforeThePoolRuns() async throws {
        let harness = try HQHarness()
        let binary = try StoregateBinary.path(named: "storegate-hq")
        let configFile = try harness.configurationFile()
        let log = harness.directory.file("commands.log")
        let stores = harness.directory.file("stores.csv")
        try "store_id,name,region,province,city,county,township,distributor,time_zone\nS-1,One,CN-31,Shanghai,Shanghai,,,D1,Asia/Shanghai\n"
            .write(toFile: stores, atomically: true, encoding: .utf8)
        let password = harness.directory.file("password")
        try "a-password-1\n".write(toFile: password, atomically: true, encoding: .utf8)
        for arguments in [["migrate"], ["stores", "import", stores], ["users", "add", "ada", "--role", "admin", "--password-file", password],
                          ["users", "list"], ["status", "--sample", "0.2"]] {
            let process = try ChildProcess(executable: binary, arguments: arguments + ["--config", configFile], stdoutFile: log, stderrFile: log)
            #expect(process.wait(seconds: 60).map { $0 <= 1 } == true, "storegate-hq \(arguments.joined(separator: " "))")
        }
        let commands = try String(contentsOfFile: log, encoding: .utf8)
        #expect(try harness.int("SELECT count(*) FROM users") == 1, "\(commands)")
        #expect(!commands.contains("hasn't been called yet"), "\(commands)")

        // An instance in this process, its log captured from the start.
        let captured = CapturedLog()
        let logger = Logger(label: "hq-test") { _ in captured }
        for _ in 1...3 {
            let application = try HQApplication(configuration: harness.configuration(), logger: logger)
            let group = application.serviceGroup(logger: logger, signals: [])
            let task = Task { try await group.run() }
            try await waitUntil("the schema checked", seconds: 30) { application.statistics.snapshot.subscriptionsGranted > 0 }
            await group.triggerGracefulShutdown()
            try await task.value
        }
        #expect(!captured.text.contains("hasn't been called yet"), "\(captured.text)")
    }

    // MARK: - Helpers

    static func waitForSchema(_ harness: HQHarness) async throws {
        try await waitUntil("the schema", seconds: 30, interval: .milliseconds(100)) {
            (try? harness.int("SELECT count(*) FROM schema_migrations")) == HQMigrations.all.count
        }
    }

    /// The west store's gateway refusing messages issued more than an hour ago, and HQ running on its schema.
    static func expiringStore(_ harness: HQHarness) async throws -> (Gateway, RunningHQ) {
        var west = try Gateway(store: "S-west", region: "CN-44", harness: harness)
        try Self.start(&west, harness: harness, maxAgeHours: 1)
        let hq = try await harness.start(harness.configuration())
        try await Self.waitForSchema(harness)
        return (west, hq)
    }

    /// Starts the gateway with a configuration file that sets `downlink.max_age_hours`.
    static func start(_ gateway: inout Gateway, harness: HQHarness, maxAgeHours: Int) throws {
        let config = harness.directory.file("\(gateway.store).toml")
        try "[downlink]\nmax_age_hours = \(maxAgeHours)\n".write(toFile: config, atomically: true, encoding: .utf8)
        gateway.process = try ChildProcess(executable: gateway.binary, arguments: [
            "run", "--config", config, "--db", gateway.db, "--broker", harness.broker.url, "--log-level", "info"],
            stdoutFile: gateway.log, stderrFile: gateway.log)
    }

    /// Writes a signed revocation into HQ's outbox as HQ would, but with the given `issued_ms` (a message that
    /// waited, or one from a clock ahead); HQ's publisher sends it.
    static func write(_ harness: HQHarness, kind: String, target: String, seq: Int64, issuedMs: Int64, revoking code: String) throws {
        var body = DownlinkBody()
        body.revocations = [.init(code: code, reason: "test")]
        let envelope = try harness.signer.envelope(for: DownlinkMessage(kind: kind, target: target, seq: seq, issuedMs: issuedMs, body: body))
        let topic = target == "*" ? TopicScheme.broadcastDownlink(kind: kind) : TopicScheme.storeDownlink(storeID: target, kind: kind)
        _ = try harness.value("""
            INSERT INTO downlink_streams (stream, seq) VALUES ('\(kind):\(target)', \(seq))
                ON CONFLICT (stream) DO UPDATE SET seq = excluded.seq;
            INSERT INTO downlink_outbox (stream, seq, topic, envelope, created_ms)
                VALUES ('\(kind):\(target)', \(seq), '\(topic)', '\\x\(Hex.encode(envelope))'::bytea, \(Timestamp.now.milliseconds))
            """)
    }

    static func message(in envelope: String) -> DownlinkMessage? {
        guard let wrapper = try? HQJSON.decode(DownlinkEnvelope.self, from: Array(envelope.utf8)),
              let payload = Base64URL.decode(wrapper.payload) else { return nil }
        return try? HQJSON.decode(DownlinkMessage.self, from: payload)
    }
}

/// Every log line, kept in memory.
final class CapturedLog: LogHandler, @unchecked Sendable {
    private let lines = Mutex<[String]>([])
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        self.lines.withLock { $0.append("\(event.level) \(event.message)") }
    }

    var text: String { self.lines.withLock { $0.joined(separator: "\n") } }
}
