import Foundation
import StoregateContract
import StoregateCore
import StoregateHQ
import StoregateLedger
import StoregateTesting
import Testing

/// The whole path with real gateways: `storegate run` for two stores, mosquitto, storegate-hq, PostgreSQL.
@Suite(.serialized) struct RealGatewayTests {
    /// A store's gateway: its ledger (trusting HQ's downlink key) and the running daemon.
    struct Gateway {
        let store: String
        let db: String
        let binary: String
        let log: String
        var process: ChildProcess?

        init(store: String, region: String, harness: HQHarness) throws {
            self.store = store
            self.binary = try StoregateBinary.path()
            self.db = harness.directory.file("\(store).sqlite")
            self.log = harness.directory.file("\(store).log")
            try Self.run(self.binary, ["ledger", "init", "--db", self.db, "--store-id", store, "--region", region])
            try Self.run(self.binary, ["hq", "trust", "--db", self.db, "--key-id", harness.signer.keyID,
                                       "--public-key", harness.signer.publicKeyText])
        }

        /// A second box made from a copy of this one's disk: the same ledger, so the same gateway identity.
        init(cloning original: Gateway, harness: HQHarness) throws {
            self.store = original.store
            self.binary = original.binary
            self.db = harness.directory.file("\(original.store)-clone.sqlite")
            self.log = harness.directory.file("\(original.store)-clone.log")
            for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: original.db + suffix) {
                try FileManager.default.copyItem(atPath: original.db + suffix, toPath: self.db + suffix)
            }
        }

        mutating func start(_ broker: Broker) throws {
            self.process = try ChildProcess(executable: self.binary, arguments: ["run", "--db", self.db, "--broker", broker.url,
                                                                                 "--log-level", "info"],
                                            stdoutFile: self.log, stderrFile: self.log)
        }

        /// An operation through the CLI, on the ledger the running daemon drains.
        func operate(_ operation: String, _ code: String) throws {
            let process = try ChildProcess(executable: self.binary, arguments: [
                operation, "--db", self.db, "--lane", "1", "--operator", "\(self.store)-counter", "https://id.gs1.org/\(code)"])
            _ = process.wait(seconds: 30)
        }

        /// `storegate status --json`'s number for `key` (`journal_length`, `backlog`).
        func status(_ key: String) throws -> Int {
            let output = self.log + ".status-\(UUID().uuidString).json"
            let process = try ChildProcess(executable: self.binary, arguments: ["status", "--db", self.db, "--json"], stdoutFile: output)
            _ = process.wait(seconds: 30)
            defer { try? FileManager.default.removeItem(atPath: output) }
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Any]
            return object?[key] as? Int ?? -1
        }

        func journalLength() throws -> Int { try self.status("journal_length") }

        /// A CLI command taking a JSON document (`sale`, `return`) on this store's ledger; returns its exit status.
        @discardableResult
        func ring(_ command: String, _ document: String, directory: TemporaryDirectory) throws -> Int32 {
            let file = directory.file("\(self.store)-\(command)-\(UUID().uuidString).json")
            try document.write(toFile: file, atomically: true, encoding: .utf8)
            let process = try ChildProcess(executable: self.binary, arguments: [command, "--db", self.db, "--file", file, "--lane", "T1"])
            return process.wait(seconds: 30) ?? -1
        }

        static func run(_ binary: String, _ arguments: [String]) throws {
            let process = try ChildProcess(executable: binary, arguments: arguments)
            #expect(process.wait(seconds: 30) == 0, "storegate \(arguments.joined(separator: " "))")
        }

        func stop() {
            self.process?.signal(SIGTERM)
            _ = self.process?.wait(seconds: 20)
        }
    }

    @Test func batchesReachTheStoresGapsAreHealedAndADoubleRedemptionIsRevokedEverywhere() async throws {
        let harness = try HQHarness()
        var north = try Gateway(store: "S-north", region: "CN-31", harness: harness)
        var south = try Gateway(store: "S-south", region: "CN-31", harness: harness)
        try north.start(harness.broker)
        try south.start(harness.broker)
        defer { north.stop(); south.stop() }

        // Before HQ runs, the north store scans three codes nobody issued: HQ never sees those events.
        for serial in ["X1", "X2", "X3"] { try north.operate("verify", "01/09506000134352/21/\(serial)") }
        try await waitUntil("the north gateway delivered them to the broker", seconds: 30, interval: .milliseconds(200)) {
            (try? north.journalLength()) == 3 && (try? north.status("backlog")) == 0
        }

        let hq = try await harness.start(harness.configuration())
        try await waitUntil("the schema", seconds: 30, interval: .milliseconds(100)) {
            (try? harness.int("SELECT count(*) FROM schema_migrations")) == HQMigrations.all.count
        }
        _ = try harness.value("""
            INSERT INTO stores (store_id, name, region, province, city, distributor) VALUES
                ('S-north', 'North', 'CN-31', 'Shanghai', 'Shanghai', 'D1'), ('S-south', 'South', 'CN-31', 'Shanghai', 'Shanghai', 'D1')
            """)

        // A batch issued for the region reaches both stores, signed; each reports it applied.
        let issued = try await CodeBatchIssuer(database: hq.application.database, configuration: harness.configuration())
            .issue(.init(gtin: "09506000134352", count: 20, campaign: nil, region: "CN-31", product: "cap"))
        #expect(issued.stores == ["S-north", "S-south"])
        try await waitUntil("both stores applied the batch", seconds: 60, interval: .milliseconds(200)) {
            (try? harness.int("SELECT count(*) FROM batch_distribution WHERE state = 'applied'")) == 2
        }

        // The same cap redeemed at both stores: each gateway accepts it (neither knows of the other).
        let cap = issued.codes[0]
        try north.operate("redeem", cap)
        try south.operate("redeem", cap)
        try await waitUntil("the double redemption alerted", seconds: 60, interval: .milliseconds(200)) {
            (try? harness.int("SELECT count(*) FROM alerts WHERE kind = 'double_redemption'")) == 1
        }
        // HQ revoked it everywhere, and both gateways say they applied the revocation.
        try await waitUntil("both gateways applied the revocation", seconds: 60, interval: .milliseconds(200)) {
            (try? harness.int("SELECT count(*) FROM downlink_reports WHERE stream = 'revocations:*' AND outcome = 'applied'")) == 2
        }

        // The north store's first events, which HQ never received, came back through a signed requeue. Every
        // downlink message the gateway applied (the batch, the revocation, the requeue) is a journal event too.
        try await waitUntil("HQ holds the north store's whole journal", seconds: 60, interval: .milliseconds(200)) {
            guard let length = try? north.journalLength(), length >= 7 else { return false }
            return (try? harness.int("SELECT watermark FROM gateways WHERE store_id = 'S-north'")) == length
        }
        let northLength = try north.journalLength()
        let journal = try Ledger(path: north.db).journal(limit: 100)
        #expect(journal.filter { $0.operation != .downlink }.count == 4, "3 verifies and the redemption")
        #expect(Set(journal.filter { $0.operation == .downlink }.map { $0.details.contains(#""kind":"commands""#) ? "commands" : $0.reason.contains("revoked") ? "revocations" : "codes" })
                == ["codes", "revocations", "commands"])
        #expect(try harness.int("SELECT count(*) FROM events WHERE store_id = 'S-north' AND op = 'downlink'") == northLength - 4,
                "HQ stores the downlink events like any other")
        // The next pass of the jobs marks the requeue filled.
        try await waitUntil("the requeue marked filled", seconds: 10, interval: .milliseconds(100)) {
            (try? harness.int("SELECT count(*) FROM requeues WHERE store_id = 'S-north' AND from_seq = 1 AND filled_ms IS NOT NULL")) == 1
        }
        #expect(try harness.int("SELECT count(*) FROM events WHERE store_id = 'S-north'") == northLength)
        #expect(try harness.int("SELECT count(*) FROM events WHERE store_id = 'S-south'") == (try south.journalLength()))
        #expect(try harness.int("SELECT count(*) FROM alerts WHERE kind IN ('chain_broken', 'sequence_conflict', 'invalid_event')") == 0)
        try IngestExactlyOnceTests.expectRollupsEqualRecount(harness)
        try await hq.stop()
    }

    /// A store's ledger restored from a backup lost the batch HQ sent since: the gateway says so with a new downlink
    /// epoch, HQ notices and sends the store its state again, and the restored ledger holds the batch once more.
    @Test func aStoreWhoseLedgerWasRestoredFromABackupIsSentHQsStateAgain() async throws {
        let harness = try HQHarness()
        var north = try Gateway(store: "S-north", region: "CN-31", harness: harness)
        let backup = harness.directory.file("S-north-backup.sqlite")
        try FileManager.default.copyItem(atPath: north.db, toPath: backup)
        try north.start(harness.broker)
        defer { north.stop() }
        let hq = try await harness.start(harness.configuration())
        try await waitUntil("the schema", seconds: 30, interval: .milliseconds(100)) {
            (try? harness.int("SELECT count(*) FROM schema_migrations")) == HQMigrations.all.count
        }
        _ = try harness.value("""
            INSERT INTO stores (store_id, name, region, province, city, distributor) VALUES
                ('S-north', 'North', 'CN-31', 'Shanghai', 'Shanghai', 'D1')
            """)
        let issued = try await CodeBatchIssuer(database: hq.application.database, configuration: harness.configuration())
            .issue(.init(gtin: "09506000134352", count: 5, campaign: nil, region: "CN-31", product: "cap"))
        try await waitUntil("the store applied the batch", seconds: 60, interval: .milliseconds(200)) {
            (try? harness.int("SELECT count(*) FROM batch_distribution WHERE state = 'applied'")) == 1
        }
        let epochSQL = "SELECT coalesce(last_status->>'downlink_epoch', '') FROM gateways WHERE store_id = 'S-north'"
        try await waitUntil("HQ knows the gateway's epoch", seconds: 30, interval: .milliseconds(100)) {
            (try? harness.value(epochSQL))?.isEmpty == false
        }
        let firstEpoch = try harness.value(epochSQL)
        let sentBefore = try harness.int("SELECT count(*) FROM downlink_outbox")

        // The store's box is restored from the backup taken before the batch, and the gateway started again.
        north.stop()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: north.db + suffix) }
        try FileManager.default.copyItem(atPath: backup, toPath: north.db)
        try north.start(harness.broker)
        try await waitUntil("the batch applied again from HQ's resend", seconds: 60, interval: .milliseconds(200)) {
            (try? harness.int("""
                SELECT count(*) FROM downlink_reports WHERE store_id = 'S-north' AND stream = 'codes:S-north' AND seq > 1
                    AND outcome = 'applied'
                """)) == 1
        }
        #expect(try harness.value(epochSQL) != firstEpoch)
        #expect(try harness.int("SELECT count(*) FROM downlink_outbox") == sentBefore + 1, "the batch, once; no command or sync")
        try await hq.stop()
        north.stop()
        let ledger = try Ledger(path: north.db)
        for code in issued.codes {
            #expect(try ledger.record(codeID: code)?.state == .issued, "\(code) registered again")
        }
    }

    /// HQ's signed sync beacon reaches an online store and moves its last downlink sync on, again and again: an
    /// online store never reaches its offline limit (`ledger.offline_max_hours`) for want of a message.
    @Test func theSyncBeaconKeepsAnOnlineStoresLastSyncMoving() async throws {
        let harness = try HQHarness()
        var store = try Gateway(store: "S-sync", region: "CN-31", harness: harness)
        var configuration = harness.configuration()
        configuration.syncBeaconMilliseconds = 1_000
        let hq = try await harness.start(configuration)
        try store.start(harness.broker)
        defer { store.stop() }
        let sent = "SELECT count(*) FROM downlink_outbox WHERE stream = 'sync:*' AND published_ms IS NOT NULL"
        try await waitUntil("two beacons sent", seconds: 30) { ((try? harness.int(sent)) ?? 0) >= 2 }
        let second = try harness.int("SELECT published_ms FROM downlink_outbox WHERE stream = 'sync:*' AND seq = 2")
        try await waitUntil("the second beacon applied", seconds: 30) { ((try? store.status("last_downlink_sync_ms")) ?? -1) >= second }
        let applied = try store.status("last_downlink_sync_ms")
        try await waitUntil("and the next", seconds: 30) { ((try? store.status("last_downlink_sync_ms")) ?? -1) > applied }
        try await hq.stop()
    }

    /// A gateway killed at once (the broker publishes its Last Will, retained) is a `gateway_offline` alert at HQ,
    /// resolved when the gateway is back online.
    @Test func aGatewayThatDiesIsAlertedOfflineUntilItIsBack() async throws {
        let harness = try HQHarness()
        var store = try Gateway(store: "S-will", region: "CN-31", harness: harness)
        let hq = try await harness.start(harness.configuration())
        try store.start(harness.broker)
        defer { store.stop() }
        let open = "SELECT count(*) FROM alerts WHERE kind = 'gateway_offline' AND store_id = 'S-will' AND resolved_ms IS NULL"
        try await waitUntil("online at HQ", seconds: 30) {
            (try? harness.int("SELECT count(*) FROM gateways WHERE store_id = 'S-will' AND status_state = 'online'")) == 1
        }
        #expect(try harness.int(open) == 0)

        store.process?.killNow()
        do {
            try await waitUntil("the Last Will stored and alerted", seconds: 60) { (try? harness.int(open)) == 1 }
        } catch {
            Issue.record("status: \((try? harness.value("SELECT status_state || ' ' || last_status::text FROM gateways")) ?? "-"); alerts: \((try? harness.value("SELECT string_agg(kind || ' ' || key, '; ') FROM alerts")) ?? "-"); broker: \(harness.broker.log)")
            throw error
        }
        #expect(try harness.value("SELECT last_status->>'last_error' FROM gateways WHERE store_id = 'S-will'") == "connection lost (Last Will)")

        try store.start(harness.broker)
        try await waitUntil("the alert resolved once the gateway is back", seconds: 60) { (try? harness.int(open)) == 0 }
        #expect(try harness.int("SELECT count(*) FROM alerts WHERE kind = 'gateway_offline' AND store_id = 'S-will'") == 1)
        try await hq.stop()
    }

    /// Two boxes running one gateway's identity (its disk cloned to a second box) keep taking each other's broker
    /// session over, each reconnecting within a second: HQ sees a new connection after another and raises
    /// `gateway_flapping` (while the retained status, always the newest connection's, says online).
    @Test func aClonedGatewayIsAlertedAsFlapping() async throws {
        let harness = try HQHarness()
        var original = try Gateway(store: "S-clone", region: "CN-31", harness: harness)
        var clone = try Gateway(cloning: original, harness: harness)
        var configuration = harness.configuration()
        configuration.connectionsPerHourAlert = 6
        let hq = try await harness.start(configuration)
        try original.start(harness.broker)
        defer { original.stop() }
        try await waitUntil("online at HQ", seconds: 30) {
            (try? harness.int("SELECT count(*) FROM gateways WHERE store_id = 'S-clone' AND status_state = 'online'")) == 1
        }
        #expect(try harness.int("SELECT count(*) FROM alerts WHERE kind = 'gateway_flapping'") == 0)

        try clone.start(harness.broker)
        defer { clone.stop() }
        try await waitUntil("gateway_flapping raised", seconds: 90) {
            (try? harness.int("SELECT count(*) FROM alerts WHERE kind = 'gateway_flapping' AND store_id = 'S-clone'")) == 1
        }
        #expect(try harness.int("SELECT (details->>'connections')::int FROM alerts WHERE kind = 'gateway_flapping'") >= 6)
        #expect(try harness.value("SELECT details->>'likely' FROM alerts WHERE kind = 'gateway_flapping'").contains("cloned disk"))
        #expect(try harness.int("SELECT count(*) FROM gateways WHERE store_id = 'S-clone'") == 1)
        try await hq.stop()
    }

    @Test func basketsReturnsAndTheirSummaryArriveAsSellOutPerSKU() async throws {
        let harness = try HQHarness()
        var store = try Gateway(store: "S-east", region: "CN-31", harness: harness)
        let units = (1...4).map { "01/09506000134352/21/B\($0)" }
        let csv = harness.directory.file("east.csv")
        try ("code\n" + units.joined(separator: "\n") + "\n").write(toFile: csv, atomically: true, encoding: .utf8)
        try Gateway.run(store.binary, ["import", "--db", store.db, csv])
        let hq = try await harness.start(harness.configuration())
        try store.start(harness.broker)
        defer { store.stop() }

        // A mixed basket with a 再来一瓶 reward, a scanner-style one-line basket, a return, then the summary.
        #expect(try store.ring("sale", #"""
            {"receipt":"E-1","currency":"CNY","lines":[
              {"code":"\#(units[0])","unit_price":600},
              {"gtin":"4006381333931","quantity":3,"unit_price":250,"discount":50},
              {"type":"reward","code":"\#(units[1])","gtin":"09506000134352"}]}
            """#, directory: harness.directory) == 0)
        #expect(try store.ring("sale", #"{"receipt":"E-2","currency":"CNY","lines":[{"code":"\#(units[2])","unit_price":600}]}"#,
                               directory: harness.directory) == 0)
        #expect(try store.ring("return", #"{"return_id":"ER-1","receipt":"E-1","lines":[{"line":2,"quantity":1}]}"#,
                               directory: harness.directory) == 0)
        try Gateway.run(store.binary, ["sales-summary", "--db", store.db])
        let length = try store.journalLength()
        #expect(length == 5)  // redeem, sale, sale, return, sales_summary
        try await waitUntil("HQ holds the store's whole journal", seconds: 60, interval: .milliseconds(200)) {
            (try? harness.int("SELECT watermark FROM gateways WHERE store_id = 'S-east'")) == length
        }

        // Sell-out per SKU as the tills rang it up: 2 + 1 free units of the serialised GTIN, 3 − 1 plain ones.
        #expect(try harness.value("SELECT sold, returned, redemptions, revenue_minor FROM rollups_hourly WHERE store_id = 'S-east' AND gtin = '09506000134352' AND campaign = ''") == "3|0|1|1200")
        #expect(try harness.value("SELECT sum(sold), sum(returned), sum(revenue_minor) FROM rollups_hourly WHERE gtin = '04006381333931'") == "3|1|467")
        #expect(try harness.int("SELECT count(*) FROM sales_lines WHERE store_id = 'S-east'") == 4)
        try IngestExactlyOnceTests.expectRollupsEqualRecount(harness)
        // The summary was checked against the events of its range, and agreed.
        try await waitUntil("the summary checked", seconds: 20, interval: .milliseconds(100)) {
            (try? harness.int("SELECT count(*) FROM sales_summaries WHERE checked_ms IS NOT NULL")) == 1
        }
        #expect(try harness.value("SELECT first_seq || '-' || last_seq || ' ' || coalesce(problem, 'ok') FROM sales_summaries") == "1-4 ok")
        #expect(try harness.int("SELECT count(*) FROM alerts WHERE kind = 'summary_mismatch'") == 0)
        try await hq.stop()
    }
}
