import Foundation
import StoregateCore
import StoregateLedger
import StoregateTesting
import Testing

/// Downlink messages reach the ledger once, even when the gateway is killed while it applies one or was not there
/// when HQ published it.
@Suite(.serialized)
struct DownlinkCrashTests {
    /// A ledger trusting an HQ downlink key, and a code batch for it signed by `hq publish`.
    struct Store {
        let binary: String
        let work: TemporaryDirectory
        let db: String
        let keyFile: String
        let bodyFile: String
        let serials: [String]

        init(codes count: Int) throws {
            self.binary = try StoregateBinary.path()
            self.work = try TemporaryDirectory(prefix: "storegate-downlink")
            self.db = self.work.file("ledger.sqlite")
            self.keyFile = self.work.file("hq-dl.key")
            let publicKeyFile = self.work.file("hq-dl.pub")
            try Self.succeed(self.binary, ["ledger", "init", "--db", self.db, "--store-id", "S1", "--region", "EU-DE"])
            try Self.succeed(self.binary, ["hq", "keygen", "--key-id", "hq-dl-1", "--out", self.keyFile], stdout: publicKeyFile)
            let publicKey = try String(contentsOfFile: publicKeyFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            try Self.succeed(self.binary, ["hq", "trust", "--db", self.db, "--key-id", "hq-dl-1", "--public-key", publicKey])
            self.serials = (0..<count).map { String(format: "B%07d", $0) }
            let body = "{\"codes\":[" + self.serials.map { "{\"code\":\"01/09506000134352/21/\($0)\"}" }.joined(separator: ",") + "]}"
            self.bodyFile = self.work.file("codes.json")
            try body.write(toFile: self.bodyFile, atomically: true, encoding: .utf8)
        }

        static func succeed(_ binary: String, _ arguments: [String], stdout: String? = nil) throws {
            let process = try ChildProcess(executable: binary, arguments: arguments, stdoutFile: stdout)
            #expect(process.wait(seconds: 30) == 0, "storegate \(arguments.joined(separator: " "))")
        }

        func gateway(_ broker: Broker, log: String) throws -> ChildProcess {
            try ChildProcess(executable: self.binary, arguments: ["run", "--db", self.db, "--broker", broker.url, "--log-level", "info"],
                             stdoutFile: log, stderrFile: log)
        }

        func publisher(_ broker: Broker, resendAfter: Int, log: String) throws -> ChildProcess {
            try ChildProcess(
                executable: self.binary,
                arguments: ["hq", "publish", "--broker", broker.url, "--key-id", "hq-dl-1", "--key", self.keyFile, "--kind", "codes",
                            "--store", "S1", "--seq", "1", "--body-file", self.bodyFile, "--await-report",
                            "--resend-after", "\(resendAfter)", "--timeout", "120"],
                stdoutFile: log, stderrFile: log)
        }

        /// The batch is recorded as applied once, with every code registered.
        func expectBatchApplied() throws {
            let ledger = try Ledger(path: self.db)
            #expect(try ledger.downlinkStream("codes:S1")?.seq == 1)
            for serial in [self.serials[0], self.serials[self.serials.count / 2], self.serials[self.serials.count - 1]] {
                #expect(try ledger.record(codeID: "01/09506000134352/21/\(serial)")?.state == .issued, "\(serial) registered")
            }
            #expect(try ledger.stats().codesByState[.issued] == self.serials.count, "every code of the batch, once")
        }
    }

    static func text(_ file: String) -> String { (try? String(contentsOfFile: file, encoding: .utf8)) ?? "" }

    /// The gateway applies a message inside libmosquitto's message callback, before its PUBACK is written (see
    /// `UplinkLoop.onDownlink`), so a kill mid-apply leaves the message unacknowledged and the broker sends it
    /// again to the restarted gateway's session. The publisher is told not to resend within the test: the broker's
    /// redelivery alone must bring it.
    @Test func codeBatchInterruptedByAKillIsRedeliveredAndAppliedAfterTheRestart() async throws {
        let broker = try Broker(persistent: true)
        defer { broker.stop() }
        let store = try Store(codes: 100_000)  // big enough that applying it takes a while: the kill lands in it
        defer { store.work.remove() }
        let gatewayLog = store.work.file("gateway.log")
        let publisherLog = store.work.file("publisher.log")

        let first = try store.gateway(broker, log: gatewayLog)
        try await waitUntil("the gateway connects", seconds: 30) { Self.text(gatewayLog).contains("connected to") || !first.isRunning }
        let publisher = try store.publisher(broker, resendAfter: 600, log: publisherLog)
        try await waitUntil("the gateway starts applying the batch", seconds: 60) {
            Self.text(gatewayLog).contains("downlink received") || !first.isRunning
        }
        first.killNow()
        #expect(first.exitCode == Int32(128 + SIGKILL), "\(Self.text(gatewayLog))")
        #expect(!Self.text(gatewayLog).contains("downlink applied"), "the kill came before the batch was committed")
        #expect(try Ledger(path: store.db).downlinkStream("codes:S1") == nil, "the killed gateway did not record the message")

        let second = try store.gateway(broker, log: gatewayLog)
        defer { second.killNow() }
        #expect(publisher.wait(seconds: 120) == 0, "publisher: \(Self.text(publisherLog))\ngateway: \(Self.text(gatewayLog))")
        #expect(Self.text(publisherLog).contains("applied: codes seq 1 for store S1"), "\(Self.text(publisherLog))")
        #expect(!Self.text(publisherLog).contains("sending it again"), "the broker redelivered it, not the publisher")
        try store.expectBatchApplied()
    }

    /// Published while the store's gateway had never connected (no session: the broker drops the message), the
    /// batch still arrives: `hq publish --await-report` sends the same bytes again until the gateway reports.
    @Test func batchPublishedBeforeTheGatewayEverConnectedArrivesThroughTheResend() async throws {
        let broker = try Broker()
        defer { broker.stop() }
        let store = try Store(codes: 1_000)
        defer { store.work.remove() }
        let publisherLog = store.work.file("publisher.log")
        let publisher = try store.publisher(broker, resendAfter: 1, log: publisherLog)
        try await waitUntil("the first resend", seconds: 30) { Self.text(publisherLog).contains("sending it again") || !publisher.isRunning }
        #expect(try Ledger(path: store.db).downlinkStream("codes:S1") == nil)

        let gateway = try store.gateway(broker, log: store.work.file("gateway.log"))
        defer { gateway.killNow() }
        #expect(publisher.wait(seconds: 60) == 0, "\(Self.text(publisherLog))")
        #expect(Self.text(publisherLog).contains("applied: codes seq 1 for store S1"), "\(Self.text(publisherLog))")
        try store.expectBatchApplied()
    }
}
