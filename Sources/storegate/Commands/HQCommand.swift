import ArgumentParser
import Foundation
import Synchronization
import StoregateContract
import StoregateCore
import StoregateDaemon
import StoregateFoundation
import StoregateHQTools
import StoregateLedger
import StoregateMQTTClient

/// HQ's side, for the demo, tests and HQ engineers: a reference subscriber and signed downlink messages.
struct HQCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hq", abstract: "HQ side: tail the stores' streams; make, sign and publish downlink messages.",
        subcommands: [HQTailCommand.self, HQKeygenCommand.self, HQSignCommand.self, HQPublishCommand.self, HQTrustCommand.self])
}

struct BrokerOption: ParsableArguments {
    @Option(help: "Broker, \(BrokerAddress.expectedForm).")
    var broker = "mqtt://127.0.0.1:1883"
    @Option(help: "CA file for mqtts://.") var caFile: String?
    @Option(help: "Client certificate for mqtts://.") var certFile: String?
    @Option(help: "Client key for mqtts://.") var keyFile: String?

    func options(clientID: String) throws -> MQTTConnectionOptions {
        guard let address = BrokerAddress(url: self.broker) else {
            throw ValidationError("--broker \(self.broker) is not \(BrokerAddress.expectedForm)")
        }
        return MQTTConnectionOptions(
            broker: address, clientID: clientID, caFile: self.caFile, certificateFile: self.certFile, keyFile: self.keyFile,
            backoff: ReconnectBackoff(initialMilliseconds: 100, maximumMilliseconds: 2_000))
    }
}

/// `storegate hq tail`: the reference HQ subscriber, JSON lines out.
struct HQTailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Subscribe to all stores' events and status (shared-subscription capable); dedup, gaps, double redemptions; JSON lines.")
    @OptionGroup var broker: BrokerOption
    @Option(help: "Join the shared subscription $share/GROUP/… (several tails split the load).")
    var share: String?
    @Option(name: .customLong("client-id"), help: "Stable id: the broker keeps the session (and queued events) between runs.")
    var clientID = "storegate-hq-tail"
    @Option(name: .customLong("idle-exit"), help: "Exit after this many seconds without a message (0: never).")
    var idleExit: Double = 0
    @Option(help: "Write a summary line to this file at exit.")
    var summary: String?

    func run() async throws {
        let client = try MQTTClient(options: self.broker.options(clientID: self.clientID))
        let filters = [GatewayTopic.Kind.events, .status, .downlink].map { kind in
            self.share.map { TopicScheme.sharedFleetFilter(kind, group: $0) } ?? TopicScheme.fleetFilter(kind)
        }
        client.start()
        var state = HQTailState()
        let lastMessage = LastMessageClock()
        let idleExit = self.idleExit
        let watchdog = Task {
            while idleExit > 0 {
                try await Task.sleep(for: .milliseconds(200))
                if lastMessage.secondsSince() > idleExit { await client.shutdown() }
            }
        }
        for await event in client.events {
            switch event {
            case .connected:
                for filter in filters { _ = try? client.subscribe(filter) }
            case .message(let topic, let payload, _):
                lastMessage.touch()
                for line in state.receive(topic: topic, payload: payload) {
                    let data = try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys, .withoutEscapingSlashes])
                    FileHandle.standardOutput.write(data + Data("\n".utf8))
                }
            case .connectFailed(let reason):
                printError("hq tail: \(reason)")
            default:
                break
            }
        }
        watchdog.cancel()
        if let file = self.summary {
            let object: [String: Any] = ["unique_events": state.uniqueEvents, "duplicates": state.duplicates, "invalid": state.invalid,
                                         "double_redemptions": state.doubleRedemptions, "open_gaps": state.openGaps]
            try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: URL(fileURLWithPath: file))
        }
    }
}

/// When `hq tail` last heard a message (its `--idle-exit` clock), touched by the message loop, read by the timer.
final class LastMessageClock: Sendable {
    private let last = Mutex(ContinuousClock.now)
    func touch() { self.last.withLock { $0 = .now } }
    func secondsSince() -> Double {
        let elapsed = self.last.withLock { ContinuousClock.now - $0 }
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}

/// `storegate hq keygen`: a downlink signing key.
struct HQKeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "keygen", abstract: "Make an HQ downlink signing key (private key file 0600; prints the public key).")
    @Option(name: .customLong("key-id")) var keyID: String
    @Option(help: "Private key file to write.") var out: String

    func run() throws {
        let signer = DownlinkSigner.generate(keyID: self.keyID)
        guard FileManager.default.createFile(atPath: self.out, contents: Data((signer.privateKeyText + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ValidationError("cannot write the private key to \(self.out)")
        }
        print(signer.publicKeyText)
    }
}

/// What `hq sign` and `hq publish` share: which message, signed with which key.
struct DownlinkMessageOptions: ParsableArguments {
    @Option(name: .customLong("key-id")) var keyID: String
    @Option(help: "Private key file (from `hq keygen`).") var key: String
    @Option(help: "codes, revocations, policy, keys, commands or sync.") var kind: String
    @Option(help: "The store it is for; omit for all stores.") var store: String?
    @Option(help: "Sequence number in its stream (kind + target), strictly increasing.") var seq: Int64
    @Option(help: "The body as JSON (e.g. {\"revocations\":[{\"code\":\"…\",\"reason\":\"stolen\"}]}).") var body: String = "{}"
    @Option(name: .customLong("body-file"), help: "Read the body from this file instead (a code batch is too big for an argument).")
    var bodyFile: String?

    func validate() throws {
        if self.bodyFile != nil && self.body != "{}" { throw ValidationError("give the body with --body or --body-file, not both") }
    }

    func envelope() throws -> (topic: String, bytes: [UInt8]) {
        guard TopicScheme.downlinkKinds.contains(self.kind) else {
            throw ValidationError("--kind \(self.kind): use one of \(TopicScheme.downlinkKinds.joined(separator: ", "))")
        }
        guard let keyText = try? String(contentsOfFile: self.key, encoding: .utf8),
              let signer = try? DownlinkSigner(keyID: self.keyID, privateKey: keyText.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ValidationError("--key \(self.key): not a private key file from `storegate hq keygen`")
        }
        let text: [UInt8]
        if let file = self.bodyFile {
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("--body-file \(file): cannot read it") }
            text = [UInt8](data)
        } else {
            text = Array(self.body.utf8)
        }
        let body: DownlinkBody
        do {
            body = try HQJSON.decode(DownlinkBody.self, from: text)
        } catch {
            throw ValidationError("\(self.bodyFile.map { "--body-file \($0)" } ?? "--body") is not a valid \(self.kind) body: \(error)")
        }
        let message = DownlinkMessage(kind: self.kind, target: self.store ?? "*", seq: self.seq,
                                      issuedMs: Timestamp.now.milliseconds, body: body)
        let topic = self.store.map { TopicScheme.storeDownlink(storeID: $0, kind: self.kind) } ?? TopicScheme.broadcastDownlink(kind: self.kind)
        return (topic, try signer.envelope(for: message))
    }
}

struct HQSignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sign", abstract: "Print a signed downlink envelope and its topic.")
    @OptionGroup var message: DownlinkMessageOptions

    func run() throws {
        let (topic, bytes) = try self.message.envelope()
        printError("topic: \(topic)")
        print(String(decoding: bytes, as: UTF8.self))
    }
}

struct HQPublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Sign a downlink message and publish it (QoS 1); with --await-report, until the store's gateway reports it.",
        discussion: """
            Without --await-report it waits for the broker's PUBACK only, which says the broker has the message, not \
            that a gateway applied it: a gateway that was never connected has no session to queue it in, an expired \
            session drops it, a broker without persistence loses it in a restart. The gateway's report on \
            storegate/v1/STORE/GATEWAY/downlink is the acknowledgement that counts (docs/mqtt.md). With \
            --await-report the same signed bytes are published again every --resend-after seconds until a report for \
            this stream and seq arrives, or --timeout passes (a gateway that has them answers `duplicate`). \
            Exit status: 0 applied (or already applied), 1 rejected, 2 no report in time.
            """)
    @OptionGroup var message: DownlinkMessageOptions
    @OptionGroup var broker: BrokerOption
    @Option(help: "Publish these raw bytes instead (to test how gateways treat bad messages).") var raw: String?
    @Flag(name: .customLong("await-report"), help: "Wait for the store's gateway to report the message; resend it until then (needs --store).")
    var awaitReport = false
    @Option(name: .customLong("resend-after"), help: "With --await-report: seconds without a report before the same bytes are sent again.")
    var resendAfter: Double = 10
    @Option(help: "Seconds to wait for the PUBACK, or with --await-report for the report.") var timeout: Double = 10

    func validate() throws {
        if self.awaitReport {
            guard self.message.store != nil else { throw ValidationError("--await-report needs --store: a broadcast has no one gateway to wait for") }
            guard self.raw == nil else { throw ValidationError("--await-report cannot wait for --raw bytes: they name no stream and seq") }
            guard self.resendAfter > 0 else { throw ValidationError("--resend-after must be more than 0 seconds") }
        }
        guard self.timeout > 0 else { throw ValidationError("--timeout must be more than 0 seconds") }
    }

    func run() async throws {
        var (topic, bytes) = try self.message.envelope()
        if let raw = self.raw { bytes = Array(raw.utf8) }
        let client = try MQTTClient(options: self.broker.options(clientID: "storegate-hq-publish-\(UUID().uuidString.prefix(8))"))
        client.start()
        let timeout = Task { [timeout = self.timeout] in
            try await Task.sleep(for: .seconds(timeout))
            await client.shutdown()
        }
        defer { timeout.cancel() }
        let outcome: DownlinkReport.Outcome?
        if self.awaitReport, let store = self.message.store {
            outcome = await self.publishUntilReported(client, topic: topic, bytes: bytes, store: store)
        } else {
            outcome = await self.publishOnce(client, topic: topic, bytes: bytes) ? .applied : nil
        }
        await client.shutdown()
        switch outcome {
        case .applied?, .duplicate?: return
        case .rejected?: throw ExitCode(1)
        case nil:
            printError("hq publish: no \(self.awaitReport ? "report from the store's gateway" : "PUBACK from the broker") within \(self.timeout) s")
            throw ExitCode(2)
        }
    }

    /// Publishes once and waits for the broker's PUBACK; false if none came.
    private func publishOnce(_ client: MQTTClient, topic: String, bytes: [UInt8]) async -> Bool {
        var messageID: Int32?
        for await event in client.events {
            if case .connected = event { messageID = try? client.publish(topic: topic, payload: bytes) }
            if case .acknowledged(let id, let reason) = event, id == messageID {
                print("published \(self.message.kind) seq \(self.message.seq) to \(topic)\(MQTTEvent.isRefusal(reason) ? " — REFUSED \(MQTTReasonCode.describe(reason))" : "")")
                return true
            }
        }
        return false
    }

    /// Subscribes to the store's downlink reports, publishes, and publishes the same bytes again every
    /// `--resend-after` seconds until a gateway reports this stream and seq. Resending the same bytes is safe: a
    /// gateway that has applied them answers `duplicate`.
    private func publishUntilReported(_ client: MQTTClient, topic: String, bytes: [UInt8], store: String) async -> DownlinkReport.Outcome? {
        let stream = "\(self.message.kind):\(store)"
        let resender = Task { [resendAfter = self.resendAfter, seq = self.message.seq] in
            var sent = 0
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(resendAfter))
                guard client.isConnected else { continue }
                sent += 1
                printError("hq publish: no report for \(stream) seq \(seq) yet: sending it again (\(sent))")
                _ = try? client.publish(topic: topic, payload: bytes)
            }
        }
        defer { resender.cancel() }
        for await event in client.events {
            switch event {
            case .connected:
                _ = try? client.subscribe(TopicScheme.downlinkReportsFilter(storeID: store))
            case .subscribed:
                // Only now: a report to a message published before the subscription could be missed.
                _ = try? client.publish(topic: topic, payload: bytes)
            case .message(_, let payload, _):
                guard let report = try? HQJSON.decode(DownlinkReport.self, from: payload),
                      report.stream == stream, report.seq == self.message.seq else { continue }
                print("\(report.outcome.rawValue): \(self.message.kind) seq \(self.message.seq) for store \(store): \(report.reason)")
                return report.outcome
            default:
                continue
            }
        }
        return nil
    }
}

struct HQTrustCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "trust", abstract: "Add an HQ downlink public key to a ledger (bootstrap; later keys arrive signed).")
    @OptionGroup var ledger: LedgerOptions
    @Option(name: .customLong("key-id")) var keyID: String
    // Unconditional: a base64url key starts with "-" one time in 64, which would otherwise read as an option.
    @Option(name: .customLong("public-key"), parsing: .unconditional) var publicKey: String

    func run() throws {
        try Ledger(path: self.ledger.db).addDownlinkKey(keyID: self.keyID, publicKey: self.publicKey, at: .now)
        print("downlink key \(self.keyID) trusted")
    }
}
