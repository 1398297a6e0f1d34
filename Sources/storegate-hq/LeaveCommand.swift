import ArgumentParser
import Foundation
import Logging
import StoregateContract
import StoregateHQ
import ServiceLifecycle

/// An instance removed for good must not stay in the share group: mosquitto goes on giving a stopped instance's
/// persistent session its share of the fleet's events, and they wait there until the session expires. `leave`
/// resumes the session with a Session Expiry Interval of 0, stores what waited for it like `run` does, and
/// disconnects once the broker has sent nothing for `--quiet` seconds: the session ends with that connection.
struct LeaveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leave",
        abstract: "Take a stopped instance out of the share group for good: store what the broker kept for it, then end its session.",
        discussion: """
            Run it with the configuration (the client id) of the instance being removed, after that instance has stopped. \
            What the broker still sends the session meanwhile is stored too; anything it had not sent when the session \
            ends is a gap, healed by a requeue.
            """)
    @OptionGroup var options: ConfigOption
    @Option(help: "Seconds without a message after which the broker is taken to hold nothing more for the session.")
    var quiet: Double = 3
    @Option(help: "Seconds to wait for the broker to take the connection and grant every subscription.")
    var brokerTimeout: Double = 30

    func run() async throws {
        var configuration = try self.options.load()
        configuration.mqtt.sessionExpirySeconds = 0
        let logger = self.options.logger(configuration, label: "storegate-hq")
        let application = try self.options.application(configuration, logger: logger)
        let group = application.serviceGroup(logger: logger)
        let statistics = application.statistics
        let quiet = Duration.milliseconds(Int64(self.quiet * 1_000))
        let brokerTimeout = Duration.milliseconds(Int64(self.brokerTimeout * 1_000))
        let mqtt = configuration.mqtt
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            tasks.addTask {
                // Quiet means: every subscription granted, nothing new received for `quiet`, and all of it handled.
                let start = ContinuousClock.now
                var last = statistics.snapshot, since = start
                while true {
                    try await Task.sleep(for: .milliseconds(100))
                    let now = statistics.snapshot
                    let subscribed = now.subscriptionsGranted >= GatewayTopic.Kind.allCases.count
                    if let problem = Self.brokerProblem(now, subscribed: subscribed, waited: ContinuousClock.now - start,
                                                        limit: brokerTimeout, mqtt: mqtt) {
                        await group.triggerGracefulShutdown()
                        throw HQError(problem)
                    }
                    if now.received != last.received || !subscribed { (last, since) = (now, .now) }
                    let handled = now.stored + now.duplicates + now.invalid >= now.received
                    if handled && ContinuousClock.now - since >= quiet { break }
                }
                await group.triggerGracefulShutdown()
            }
            try await tasks.waitForAll()
        }
        let done = statistics.snapshot
        print("""
            \(configuration.mqtt.clientID) left share group \(configuration.mqtt.shareGroup): \(done.stored) events that waited \
            for it stored (\(done.duplicates) duplicates, \(done.invalid) refused); its session ended
            """)
    }

    /// Why `leave` cannot do its work: the broker refuses the share group's subscriptions, or never takes the
    /// connection and grants them. Without this it waited for a quiet that could not come.
    static func brokerProblem(_ now: IngestStatistics.Snapshot, subscribed: Bool, waited: Duration, limit: Duration,
                              mqtt: HQConfiguration.MQTT) -> String? {
        if now.subscriptionsRefused > 0 {
            return """
                the broker at \(mqtt.url) refused the subscriptions of share group \(mqtt.shareGroup) for client \
                \(mqtt.clientID) (check its ACL); the session ended with this connection, \
                and what the broker had kept for it is a gap to its gateways, healed by requeues
                """
        }
        if !subscribed && waited >= limit {
            return """
                the broker at \(mqtt.url) did not take the connection of client \(mqtt.clientID) and grant its \
                subscriptions within \(limit) (\(now.subscriptionsGranted) of \(GatewayTopic.Kind.allCases.count) \
                granted); run leave again once it does
                """
        }
        return nil
    }
}
