import Foundation
import StoregateCore
import StoregateLedger
import StoregateTesting
import Testing

/// `storegate doctor`, the real binary against a real broker and real ledger files: each check's status and words.
@Suite struct DoctorCommandTests {
    static let everyCheck = ["config", "certificates", "ledger", "disk", "broker", "daemon", "backlog", "sync", "scanners", "service"]

    @Test func healthyBoxPassesEveryCheckExceptTheMissingDaemonStatus() throws {
        let broker = try Broker()
        defer { broker.stop() }
        let box = try DoctorBox()
        defer { box.remove() }
        try box.initialiseLedger()
        try box.writeConfig(broker: broker.url)
        try DiskReserve(ledgerPath: box.db, bytes: 1 << 20).hold()

        let run = try box.doctor()
        #expect(run.result.status == 0, "\(run.result.stdout) \(run.result.stderr)")
        #expect(run.checks == Self.everyCheck)
        for check in ["config", "certificates", "ledger", "disk", "broker", "backlog", "sync", "scanners"] {
            #expect(run[check].status == "ok", "\(check): \(run[check].text)")
        }
        #expect(run["broker"].summary.hasPrefix("\(broker.url) CONNACK in "))
        #expect(run["ledger"].summary.contains("store S1, schema v8"))
        #expect(run["scanners"].summary == "1 configured, all ready: replay:\(box.replayFile)")
        #expect(run["scanners"].details.contains { $0.contains("replay:\(box.replayFile)") && $0.contains("readable") })
        #expect(run["daemon"].status == "warn")
        #expect(run["daemon"].fix?.contains("systemctl status storegate") == true)
        #expect(run["service"].status != "fail")
        // Under a client id of its own, never the daemon's, and gone again with a DISCONNECT.
        #expect(broker.log.contains(" as storegate-doctor-"), "\(broker.log)")
        #expect(broker.log.contains("Client storegate-doctor-") && broker.log.contains(" disconnected"), "\(broker.log)")
    }

    @Test func humanOutputHasOneLinePerCheckAndAFixUnderEachWarning() throws {
        let box = try DoctorBox.initialised()
        defer { box.remove() }
        let result = try StoregateCommand.run(["doctor", "--config", box.configFile, "--timeout", "3"])
        let lines = result.stdout.split(separator: "\n").map(String.init)
        for check in Self.everyCheck {
            #expect(lines.contains { $0.range(of: #"^(OK|WARN|FAIL|SKIP) +\#(check) "#, options: .regularExpression) != nil }, "\(check)")
        }
        let brokerLine = try #require(lines.firstIndex { $0.hasPrefix("FAIL broker") })
        #expect(lines[(brokerLine + 1)...].first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("fix:") } != nil)
        #expect(result.status == 1)
    }

    @Test func brokerDownFailsNamingHostPortAndTheRefusalWhileTheOtherChecksStillReport() throws {
        let broker = try Broker()
        let url = broker.url
        broker.stop()
        let box = try DoctorBox.initialised(broker: url)
        defer { box.remove() }

        let run = try box.doctor()
        #expect(run.result.status == 1)
        #expect(run["broker"].status == "fail")
        #expect(run["broker"].summary.contains("127.0.0.1:\(broker.port)"))
        #expect(run["broker"].summary.contains("refused"))
        #expect(run["broker"].fix?.contains("mqtt.url") == true)
        #expect(run.checks == Self.everyCheck)
        #expect(run["ledger"].status == "ok")
        #expect(run["scanners"].status == "ok")
    }

    @Test func brokerThatNeverAnswersFailsAfterTheTimeout() throws {
        let silent = try SilentListener()
        defer { silent.close() }
        let box = try DoctorBox.initialised(broker: "mqtt://127.0.0.1:\(silent.port)")
        defer { box.remove() }
        let started = Date()
        let run = try box.doctor(["--timeout", "0.5"])
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(run["broker"].status == "fail")
        #expect(run["broker"].summary.contains("no answer from 127.0.0.1:\(silent.port) within 0.5 s"), "\(run["broker"].text)")
    }

    @Test func wrongCredentialsFailWithTheBrokersRefusalAndTheKeysToChange() throws {
        let box = try DoctorBox()
        defer { box.remove() }
        let passwords = box.directory.file("passwords")
        let passwd = try ChildProcess(executable: "mosquitto_passwd", arguments: ["-b", "-c", passwords, "gateway-s1", "right"],
                                      stderrFile: box.directory.file("passwd.log"))
        #expect(passwd.wait(seconds: 10) == 0)
        // mosquitto drops to its own user before reading the file.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: passwords)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: box.directory.path)
        let broker = try Broker(extraConfig: "allow_anonymous false\npassword_file \(passwords)")
        defer { broker.stop() }
        try box.initialiseLedger()

        try box.writeConfig(broker: broker.url, mqtt: "username = \"gateway-s1\"\npassword = \"wrong\"")
        let refused = try box.doctor()
        #expect(refused.result.status == 1)
        #expect(refused["broker"].status == "fail")
        #expect(refused["broker"].summary.contains("does not authorise this gateway: broker refused the connection: Not authorized (0x87)"),
                "\(refused["broker"].text)")
        #expect(refused["broker"].fix?.contains("mqtt.username and mqtt.password") == true)

        try box.writeConfig(broker: broker.url, mqtt: "username = \"gateway-s1\"\npassword = \"right\"")
        let accepted = try box.doctor()
        #expect(accepted["broker"].status == "ok", "\(accepted["broker"].text)")
    }

    @Test func missingLedgerFailsWithTheInitCommandAndTheLedgerChecksAreSkipped() throws {
        let box = try DoctorBox()
        defer { box.remove() }
        try box.writeConfig(broker: "mqtt://127.0.0.1:\(try Broker.freePort())")

        let run = try box.doctor()
        #expect(run.result.status == 1)
        #expect(run["ledger"].status == "fail")
        #expect(run["ledger"].fix?.contains("storegate ledger init --db \(box.db)") == true)
        #expect(run["backlog"].status == "skip")
        #expect(run["sync"].status == "skip")
        #expect(run.checks == Self.everyCheck)
        #expect(!FileManager.default.fileExists(atPath: box.db), "the doctor must not create a ledger")
    }

    @Test func invalidConfigValueFailsNamingTheKey() throws {
        let box = try DoctorBox()
        defer { box.remove() }
        try box.initialiseLedger()
        try box.writeConfig(broker: "mqtt://127.0.0.1:\(try Broker.freePort())", extra: "\n[outbox]\nshed_telemetry_above = 5\n")

        let run = try box.doctor()
        #expect(run.result.status == 1)
        #expect(run["config"].status == "fail")
        #expect(run["config"].summary.contains("outbox.shed_telemetry_above"))
        #expect(run["config"].details.contains { $0.contains("outbox.shed_telemetry_above: 5 is out of range") })
        #expect(run.checks == Self.everyCheck)
    }

    @Test func missingConfigFileWarnsWhichDefaultsApply() throws {
        let box = try DoctorBox()
        defer { box.remove() }
        try box.initialiseLedger()
        let result = try StoregateCommand.run(["doctor", "--config", box.directory.file("none.toml"), "--db", box.db, "--json",
                                               "--broker", "mqtt://127.0.0.1:\(try Broker.freePort())", "--timeout", "3"])
        let run = DoctorRun(result)
        #expect(run["config"].status == "warn")
        #expect(run["config"].summary.contains("the defaults apply"))
        #expect(run["ledger"].status == "ok", "--db overrides the default ledger")
    }

    @Test func configuredUSBScannerThatIsNotConnectedFailsNamingIt() throws {
        let box = try DoctorBox()
        defer { box.remove() }
        try box.initialiseLedger()
        try box.writeConfig(broker: "mqtt://127.0.0.1:\(try Broker.freePort())",
                            scanners: ["replay:\(box.replayFile)", "usb:dead:beef", "replay:\(box.directory.file("gone.txt"))"])

        let run = try box.doctor()
        #expect(run.result.status == 1)
        #expect(run["scanners"].status == "fail")
        #expect(run["scanners"].summary.contains("usb:dead:beef not connected; connected scanners: "))
        #expect(run["scanners"].summary.contains("gone.txt does not exist"))
        #expect(run["scanners"].summary.hasPrefix("3 configured, 1 ready"))
    }

    @Test func storeIDThatDoesNotMatchTheLedgersFailsNamingBoth() throws {
        let box = try DoctorBox.initialised()
        defer { box.remove() }
        let run = try box.doctor(["--store-id", "S2"])
        #expect(run["ledger"].status == "fail")
        #expect(run["ledger"].summary.contains("gateway.store_id S2 does not match the ledger's store S1"))
        #expect(run["ledger"].fix?.contains("gateway.store_id = \"S1\"") == true)
    }

    @Test func deepCheckVerifiesTheChainAndFindsAnOutboxRowChangedBehindTheLedgersBack() throws {
        let box = try DoctorBox.initialised()
        defer { box.remove() }
        for serial in ["DEEP1", "DEEP2"] {
            _ = try StoregateCommand.run(["verify", "--db", box.db, "01/09506000134352/21/\(serial)"])
        }
        let shallow = try box.doctor()
        #expect(shallow["ledger"].status == "ok")
        #expect(shallow["ledger"].summary.contains("2 events, chain head "))
        #expect(shallow["ledger"].details.contains { $0.contains("not verified") && $0.contains("--deep") })
        let deep = try box.doctor(["--deep"])
        #expect(deep["ledger"].status == "ok", "\(deep["ledger"].text)")
        #expect(deep["ledger"].details.contains("quick_check ok; hash chain and outbox verified over 2 events"))

        let sqlite = try ChildProcess(executable: "sqlite3", arguments: [box.db, "UPDATE outbox SET payload = '{}' WHERE seq = 1"],
                                      stderrFile: box.directory.file("sqlite3.log"))
        #expect(sqlite.wait(seconds: 10) == 0)
        let tampered = try box.doctor(["--deep"])
        #expect(tampered["ledger"].status == "fail")
        #expect(tampered["ledger"].summary.contains("event 1: outbox payload differs from the journal event"))
        #expect(tampered["ledger"].fix?.contains("storegate ledger check --db \(box.db)") == true)
    }

    @Test func oldUndeliveredEventsWarnWithHowOldTheOldestIs() throws {
        let box = try DoctorBox()
        defer { box.remove() }
        // Events journaled months before the doctor runs (the fixture's fixed instant), never delivered.
        let fixture = try LedgerFixture(in: box.directory)
        try fixture.apply(.verify, .unit(serial: "OLD1"))
        try fixture.apply(.verify, .unit(serial: "OLD2"))
        try fixture.ledger.close()
        try box.writeConfig(broker: "mqtt://127.0.0.1:\(try Broker.freePort())")
        let run = try box.doctor()
        #expect(run["backlog"].status == "warn")
        #expect(run["backlog"].summary.hasPrefix("2 undelivered of 2 events; oldest: event 1, "))
        #expect(run["backlog"].details.contains("the oldest event has waited over 1 h"))
        #expect(run["backlog"].fix?.contains("storegate outbox list --db \(box.db)") == true)
    }

    @Test func diskBelowTheLowSpaceThresholdFailsAndAMissingReserveWarns() throws {
        let box = try DoctorBox.initialised()
        defer { box.remove() }
        let noReserve = try box.doctor()
        #expect(noReserve["disk"].status == "warn")
        #expect(noReserve["disk"].summary.contains("reserve \(box.db).reserve (1 MiB) not held"))
        #expect(noReserve["disk"].details.contains { $0.contains("a full disk gives back") })

        // A threshold of 1 TiB: no test machine has that much free.
        try box.writeConfig(broker: "mqtt://127.0.0.1:\(try Broker.freePort())", lowSpaceMiB: 1_048_576)
        let low = try box.doctor()
        #expect(low.result.status == 1)
        #expect(low["disk"].status == "fail")
        #expect(low["disk"].details.contains { $0.contains("below disk.low_space_mib: verifies are answered but not journaled") })
    }

    @Test func syncPastHQsLimitFailsAndPastHalfOfItWarns() throws {
        let box = try DoctorBox.initialised()
        defer { box.remove() }
        let hour: Int64 = 3_600_000
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try Self.applyPolicy(db: box.db, seq: 1, maxTimeWithoutSync: 2 * hour, at: now - 3 * hour / 2)
        let halfway = try box.doctor()
        #expect(halfway["sync"].status == "warn", "\(halfway["sync"].text)")
        #expect(halfway["sync"].summary.contains("over half of the limit"))

        try Self.applyPolicy(db: box.db, seq: 2, maxTimeWithoutSync: hour, at: now - 2 * hour)
        let overdue = try box.doctor()
        #expect(overdue.result.status == 1)
        #expect(overdue["sync"].status == "fail")
        #expect(overdue["sync"].summary.contains("redemptions are refused with sync_overdue"))
    }

    @Test func freshDaemonStatusSaysRunningAndAStaleOneWarns() throws {
        let box = try DoctorBox.initialised()
        defer { box.remove() }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let fresh = try box.doctor(statusFile: Self.status(timeMs: now - 10_000, refusal: nil))
        #expect(fresh["daemon"].status == "ok", "\(fresh["daemon"].text)")
        #expect(fresh["daemon"].summary.contains("running"))
        #expect(fresh["daemon"].details.contains { $0.contains("scanner replay:scans.txt lane 1 (checkout): running") })

        let refused = try box.doctor(statusFile: Self.status(timeMs: now - 10_000, refusal: "not authorised (0x87)"))
        #expect(refused["daemon"].status == "fail")
        #expect(refused["daemon"].summary.contains("not authorised (0x87)"))

        let stale = try box.doctor(statusFile: Self.status(timeMs: now - 600_000, refusal: nil))
        #expect(stale["daemon"].status == "warn")
        #expect(stale["daemon"].summary.contains("600 s ago"))
        #expect(stale["daemon"].fix?.contains("systemctl status storegate") == true)
    }

    @Test func junkStatusFileAndGarbageOrTruncatedLedgersAreReportedNotCrashedOn() throws {
        let box = try DoctorBox.initialised()
        defer { box.remove() }
        try Data([0x7B, 0x22, 0x76, 0x22, 0x3A, 0xFF, 0x00, 0x01]).write(to: URL(fileURLWithPath: box.statusFile))
        let junkStatus = try box.doctor()
        #expect(junkStatus["daemon"].status == "warn")
        #expect(junkStatus["daemon"].summary.contains("is not a storegate status"))

        let garbage = box.directory.file("garbage.sqlite")
        try Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }).write(to: URL(fileURLWithPath: garbage))
        let garbageRun = try box.doctor(["--db", garbage])
        #expect(garbageRun.result.status == 1, "exit 1, not a crash: \(garbageRun.result.stderr)")
        #expect(garbageRun["ledger"].status == "fail")
        #expect(garbageRun["ledger"].summary.contains("file is not a database"))
        #expect(garbageRun.checks == Self.everyCheck)

        let truncated = box.directory.file("truncated.sqlite")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: box.db))
        try bytes.prefix(bytes.count / 3).write(to: URL(fileURLWithPath: truncated))
        let truncatedRun = try box.doctor(["--db", truncated, "--deep"])
        #expect(truncatedRun.result.status == 1, "exit 1, not a crash: \(truncatedRun.result.stderr)")
        #expect(truncatedRun["ledger"].status == "fail")
        #expect(truncatedRun["ledger"].summary.contains("malformed"), "\(truncatedRun["ledger"].text)")
        #expect(truncatedRun.checks == Self.everyCheck)
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try StoregateCommand.run(["doctor", "--timeout", "0"]).status == 2)
        #expect(try StoregateCommand.run(["doctor", "--broker", "http://example.com"]).status == 2)
    }

    /// A signed policy message's effect, as the downlink applies it: HQ's limit and the sync time.
    static func applyPolicy(db: String, seq: Int64, maxTimeWithoutSync: Int64, at milliseconds: Int64) throws {
        let ledger = try Ledger(path: db)
        try ledger.applyDownlink(
            stream: "policy:S1", seq: seq, payloadHash: "test-\(seq)",
            change: .policy(DownlinkChange.Policy(maxTimeWithoutSyncMilliseconds: maxTimeWithoutSync)),
            at: Timestamp(milliseconds: milliseconds))
        try ledger.close()
    }

    /// A status file as the daemon writes it (status.v1), `timeMs` old.
    static func status(timeMs: Int64, refusal: String?) -> String {
        let refusalJSON = refusal.map { "\"\($0)\"" } ?? "null"
        return """
            {"v":1,"state":"online","gateway_id":"g1","store_id":"S1","version":"0.1.0","time_ms":\(timeMs),\
            "broker":"mqtt://127.0.0.1:1883","backlog":0,"shed":0,"uplink_refusal":\(refusalJSON),\
            "scanners":[{"source":"replay:scans.txt","lane":"1","role":"checkout","state":"running"}]}
            """
    }
}
