import Foundation
import StoregateCore
import StoregateLedger
import StoregateTesting
import Testing

/// The config file's `[downlink] keys` only bootstrap a store that trusts no downlink key yet: once HQ has rotated
/// keys over the signed downlink, a restart with the same config file must not bring a retired key back.
@Suite(.serialized)
struct DownlinkKeyBootstrapTests {
    static func text(_ file: String) -> String { (try? String(contentsOfFile: file, encoding: .utf8)) ?? "" }

    static func succeed(_ binary: String, _ arguments: [String], stdout: String? = nil) throws {
        let process = try ChildProcess(executable: binary, arguments: arguments, stdoutFile: stdout)
        #expect(process.wait(seconds: 30) == 0, "storegate \(arguments.joined(separator: " "))")
    }

    @Test func aKeyHQRetiredStaysRetiredWhenTheGatewayRestartsWithTheConfigThatBootstrappedIt() async throws {
        let binary = try StoregateBinary.path()
        let work = try TemporaryDirectory(prefix: "storegate-keys")
        defer { work.remove() }
        let broker = try Broker()
        defer { broker.stop() }
        let db = work.file("ledger.sqlite")
        try Self.succeed(binary, ["ledger", "init", "--db", db, "--store-id", "S1", "--region", "EU-DE"])
        var publicKeys: [String: String] = [:]
        for keyID in ["hq-dl-1", "hq-dl-2"] {
            try Self.succeed(binary, ["hq", "keygen", "--key-id", keyID, "--out", work.file("\(keyID).key")], stdout: work.file("\(keyID).pub"))
            publicKeys[keyID] = Self.text(work.file("\(keyID).pub")).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let config = work.file("storegate.toml")
        try """
            [gateway]
            db = "\(db)"

            [mqtt]
            url = "\(broker.url)"

            [downlink]
            keys = { "hq-dl-1" = "\(publicKeys["hq-dl-1"]!)" }
            """.write(toFile: config, atomically: true, encoding: .utf8)

        let log = work.file("gateway.log")
        let first = try ChildProcess(executable: binary, arguments: ["run", "--config", config, "--log-level", "info"],
                                     stdoutFile: log, stderrFile: log)
        try await waitUntil("the gateway connects", seconds: 30) { Self.text(log).contains("connected to") || !first.isRunning }
        #expect(try Ledger(path: db).downlinkKeys() == ["hq-dl-1": publicKeys["hq-dl-1"]!], "bootstrapped from the config")

        // HQ rotates: hq-dl-1 introduces hq-dl-2, then hq-dl-2 retires hq-dl-1.
        func publish(seq: Int, signedBy keyID: String, body: String) throws {
            let publisherLog = work.file("publisher-\(seq).log")
            let publisher = try ChildProcess(
                executable: binary,
                arguments: ["hq", "publish", "--broker", broker.url, "--key-id", keyID, "--key", work.file("\(keyID).key"),
                            "--kind", "keys", "--store", "S1", "--seq", "\(seq)", "--body", body, "--await-report",
                            "--resend-after", "2", "--timeout", "30"],
                stdoutFile: publisherLog, stderrFile: publisherLog)
            #expect(publisher.wait(seconds: 40) == 0, "publisher: \(Self.text(publisherLog))\ngateway: \(Self.text(log))")
            #expect(Self.text(publisherLog).contains("applied: keys seq \(seq)"), "\(Self.text(publisherLog))")
        }
        try publish(seq: 1, signedBy: "hq-dl-1",
                    body: #"{"downlink_keys":{"add":[{"key_id":"hq-dl-2","public_key":"\#(publicKeys["hq-dl-2"]!)"}]}}"#)
        try publish(seq: 2, signedBy: "hq-dl-2", body: #"{"downlink_keys":{"retire":["hq-dl-1"]}}"#)
        #expect(try Ledger(path: db).downlinkKeys() == ["hq-dl-2": publicKeys["hq-dl-2"]!])
        first.killNow()

        let second = try ChildProcess(executable: binary, arguments: ["run", "--config", config, "--log-level", "info"],
                                      stdoutFile: log, stderrFile: log)
        defer { second.killNow() }
        try await waitUntil("the restarted gateway connects", seconds: 30) {
            Self.text(log).components(separatedBy: "connected to").count > 2 || !second.isRunning
        }
        #expect(second.isRunning, "\(Self.text(log))")
        #expect(try Ledger(path: db).downlinkKeys() == ["hq-dl-2": publicKeys["hq-dl-2"]!],
                "the config's hq-dl-1 was retired by HQ and stays retired")
    }
}
