import Foundation
import Logging
import ServiceLifecycle
import StoregateContract
import StoregateHQ
import StoregateHQConsole
import StoregateMQTTClient
import StoregateTesting

/// A real PostgreSQL and a real mosquitto for one test, storegate-hq instances running in this process (or as the
/// real binary), and a publisher that plays gateways.
final class HQHarness: Sendable {
    let postgres: PostgresServer
    let broker: Broker
    let directory: TemporaryDirectory
    let signer = DownlinkSigner.generate(keyID: "hq-test")
    let keyFile: String

    /// `persistentBroker`: the broker keeps sessions and queued messages across its restart. `broker`: one set up
    /// by the test instead (its ACL, …).
    init(persistentBroker: Bool = false, broker: Broker? = nil) throws {
        self.postgres = try PostgresServer()
        self.broker = try broker ?? Broker(persistent: persistentBroker)
        self.directory = try TemporaryDirectory(prefix: "storegate-hq-test")
        self.keyFile = self.directory.file("downlink.key")
        try (self.signer.privateKeyText + "\n").write(toFile: self.keyFile, atomically: true, encoding: .utf8)
    }

    /// A configuration for this harness's database and broker; quick gap healing for tests.
    func configuration(clientID: String = "hq-1") -> HQConfiguration {
        var configuration = HQConfiguration()
        configuration.database.port = self.postgres.port
        configuration.database.user = self.postgres.user
        configuration.database.name = self.postgres.database
        configuration.mqtt.url = self.broker.url
        configuration.mqtt.clientID = clientID
        configuration.downlinkKeyID = self.signer.keyID
        configuration.downlinkKeyFile = self.keyFile
        configuration.gapRequeueAfterMilliseconds = 500
        configuration.requeueResendMilliseconds = 2_000
        configuration.jobIntervalMilliseconds = 100
        configuration.gatewayHealthCheckMilliseconds = 500
        configuration.counterfeitAndDiversionCheckMilliseconds = 500
        configuration.syncBeaconMilliseconds = 0
        return configuration
    }

    /// The same as a TOML file, for the real binary.
    func configurationFile(clientID: String = "hq-1", consoleListen: String? = nil) throws -> String {
        let file = self.directory.file("hq-\(clientID).toml")
        try ("""
            [database]
            port = \(self.postgres.port)
            user = "\(self.postgres.user)"
            name = "\(self.postgres.database)"
            [mqtt]
            url = "\(self.broker.url)"
            client_id = "\(clientID)"
            [downlink]
            key_id = "\(self.signer.keyID)"
            key_file = "\(self.keyFile)"
            sync_beacon_seconds = 0
            [ingest]
            gap_requeue_after_seconds = 1
            requeue_resend_seconds = 2
            """ + (consoleListen.map { "\n[console]\nlisten = \"\($0)\"\n" } ?? "")).write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    /// Starts an instance in this process and returns once it is subscribed to the fleet's topics (what gateways
    /// publish before that is not its to see: its session is new); ``RunningHQ/stop()`` shuts it down gracefully.
    /// With `console`, the web console runs too (on `console.listen`, port 0 unless set) and is listening on return.
    func start(_ configuration: HQConfiguration, console: Bool = false) async throws -> RunningHQ {
        var logger = Logger(label: "hq-test") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        var configuration = configuration
        let application = try HQApplication(configuration: configuration, logger: logger)
        var server: ConsoleServer?
        if console {
            if configuration.console.listen == nil { configuration.console.listen = "127.0.0.1:0" }
            server = try ConsoleServer(configuration: configuration, database: application.database, logger: logger)
        }
        let group = application.serviceGroup(logger: logger, signals: [], readers: server.map { [$0] } ?? [])
        let task = Task { try await group.run() }
        try await waitUntil("storegate-hq subscribed", seconds: 30) {
            application.statistics.snapshot.subscriptionsGranted >= GatewayTopic.Kind.allCases.count
        }
        if let server { try await waitUntil("the console listening", seconds: 30) { server.listeningPort != nil } }
        return RunningHQ(application: application, group: group, task: task, console: server)
    }

    /// One SQL value (psql, unaligned).
    func value(_ sql: String) throws -> String { try self.postgres.psql(sql) }

    func int(_ sql: String) throws -> Int { Int(try self.value(sql)) ?? -1 }

    /// Waits until the events of each gateway are stored up to `seq`, contiguously.
    func waitForWatermark(store: String, gateway: String, _ seq: Int64, seconds: Double = 60) async throws {
        try await waitUntil("\(store)/\(gateway) watermark \(seq)", seconds: seconds, interval: .milliseconds(100)) {
            (try? self.int("SELECT watermark FROM gateways WHERE store_id = '\(store)' AND gateway_id = '\(gateway)'")) == Int(seq)
        }
    }
}

struct RunningHQ: Sendable {
    let application: HQApplication
    let group: ServiceGroup
    let task: Task<Void, any Error>
    var console: ConsoleServer?

    func stop() async throws {
        await self.group.triggerGracefulShutdown()
        try await self.task.value
    }
}

/// Plays gateways: publishes their event payloads to the broker (QoS 1) and waits for every PUBACK.
final class GatewayPublisher: Sendable {
    let client: MQTTClient

    init(broker: Broker, clientID: String = "publisher-\(UUID().uuidString.prefix(6))") async throws {
        self.client = try MQTTClient(options: MQTTConnectionOptions(host: "127.0.0.1", port: broker.port, clientID: clientID,
                                                                    sessionExpirySeconds: 0))
        self.client.start()
        try await waitUntil("publisher connected") { self.client.isConnected }
    }

    /// Publishes each message on its gateway's events topic and returns when the broker has acknowledged all.
    func publish(_ messages: [(store: String, gateway: String, payload: [UInt8])]) async throws {
        var waiting = Set<Int32>()
        var events = self.client.events.makeAsyncIterator()
        for (index, message) in messages.enumerated() {
            let topic = TopicScheme(storeID: message.store, gatewayID: message.gateway).events
            waiting.insert(try self.client.publish(topic: topic, payload: message.payload))
            // Keep the window small enough that message ids are not reused while in flight.
            if waiting.count >= 1_000 || index == messages.count - 1 {
                while !waiting.isEmpty, let event = await events.next() {
                    if case .acknowledged(let id, _) = event { waiting.remove(id) }
                }
            }
        }
    }

    /// Publishes one message on `topic` (a status, a heartbeat) and returns when the broker has acknowledged it.
    func publish(topic: String, payload: [UInt8], retain: Bool = false) async throws {
        var events = self.client.events.makeAsyncIterator()
        let id = try self.client.publish(topic: topic, payload: payload, retain: retain)
        while let event = await events.next() {
            if case .acknowledged(id, _) = event { return }
        }
    }

    func stop() async { await self.client.shutdown() }
}
