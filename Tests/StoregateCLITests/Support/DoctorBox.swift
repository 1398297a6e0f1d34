import Foundation
import StoregateTesting
import Testing

/// A store box in a temporary directory for `storegate doctor` tests: a ledger, a replay file, a config file, and
/// the doctor's `--json` findings by check name.
struct DoctorBox {
    let directory: TemporaryDirectory
    /// A downlink key in the config's format (base64url, 43 characters); the doctor only needs one to exist.
    static let downlinkKey = "n2V1f0qkq0o2Jb8m3m1bW4u7yQ0C2k3b5f7h9j1l3n5"

    init() throws {
        self.directory = try TemporaryDirectory(prefix: "storegate-doctor")
        try "01/09506000134352/21/DOC1\n".write(toFile: self.replayFile, atomically: true, encoding: .utf8)
    }

    /// A box with an initialised ledger and a config naming `broker` (default: a port nothing listens on).
    static func initialised(broker: String? = nil) throws -> DoctorBox {
        let box = try DoctorBox()
        try box.initialiseLedger()
        try box.writeConfig(broker: broker ?? "mqtt://127.0.0.1:\(try Broker.freePort())")
        return box
    }

    var db: String { self.directory.file("ledger.sqlite") }
    var configFile: String { self.directory.file("storegate.toml") }
    var replayFile: String { self.directory.file("scans.txt") }
    var statusFile: String { self.db + ".status.json" }

    func remove() { self.directory.remove() }

    func initialiseLedger() throws {
        let result = try StoregateCommand.run(["ledger", "init", "--db", self.db, "--store-id", "S1", "--region", "EU-DE"])
        #expect(result.status == 0, "\(result.stderr)")
    }

    /// A config with the box's ledger, `broker`, a 1 MiB reserve, a low-space threshold of `lowSpaceMiB` (1 by default,
    /// so a nearly full test machine does not warn), a downlink key, the given scanner sources, `mqtt` lines in [mqtt]
    /// and `extra` TOML appended.
    func writeConfig(broker: String, mqtt: String = "", lowSpaceMiB: Int = 1, scanners: [String]? = nil, extra: String = "") throws {
        var text = """
            [gateway]
            db = "\(self.db)"

            [mqtt]
            url = "\(broker)"
            \(mqtt)

            [disk]
            reserve_mib = 1
            low_space_mib = \(lowSpaceMiB)

            [downlink]
            keys = { "hq-dl-test" = "\(Self.downlinkKey)" }

            """
        for (index, source) in (scanners ?? ["replay:\(self.replayFile)"]).enumerated() {
            text += "\n[[scanner]]\nsource = \"\(source)\"\nlane = \"\(index + 1)\"\nrole = \"checkout\"\n"
        }
        try (text + extra).write(toFile: self.configFile, atomically: true, encoding: .utf8)
    }

    /// Writes the daemon's status file, then runs the doctor.
    func doctor(statusFile text: String) throws -> DoctorRun {
        try text.write(toFile: self.statusFile, atomically: true, encoding: .utf8)
        return try self.doctor()
    }

    /// Runs `storegate doctor --config FILE --json ARGS` and reads its findings.
    func doctor(_ arguments: [String] = []) throws -> DoctorRun {
        DoctorRun(try StoregateCommand.run(["doctor", "--config", self.configFile, "--json", "--timeout", "3"] + arguments))
    }
}

/// What one doctor run printed and how it exited.
struct DoctorRun {
    struct Finding {
        var check: String
        var status: String
        var summary: String
        var details: [String]
        var fix: String?

        init(_ object: [String: Any]) {
            self.check = object["check"] as? String ?? ""
            self.status = object["status"] as? String ?? ""
            self.summary = object["summary"] as? String ?? ""
            self.details = object["details"] as? [String] ?? []
            self.fix = object["fix"] as? String
        }

        /// Summary, details and fix: where a test looks for a word.
        var text: String { ([self.summary] + self.details + [self.fix ?? ""]).joined(separator: "\n") }
    }

    var result: StoregateCommand.Result
    var findings: [Finding]

    /// Reads the findings of a `storegate doctor --json` run (none when its output is not a JSON array).
    init(_ result: StoregateCommand.Result) {
        self.result = result
        let array = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [[String: Any]] ?? []
        self.findings = array.map(Finding.init)
    }

    var checks: [String] { self.findings.map(\.check) }

    subscript(check: String) -> Finding {
        self.findings.first { $0.check == check } ?? Finding(["check": check, "status": "missing"])
    }
}
