import Foundation
import StoregateDaemon
import StoregateMQTTClient

/// Check 4: connects to the configured broker with the config's URL, TLS files and credentials, and reports the time
/// to CONNACK or exactly why not. It connects under a client id of its own with a session that ends with the
/// connection, so the daemon's persistent session (and the downlink queued in it) is never taken over.
struct BrokerCheck: DoctorCheck {
    let name = "broker"

    func run(_ context: DoctorContext) async -> DoctorFinding {
        let configuration = context.configuration
        guard let broker = configuration.broker else {
            return .fail(self.name, "mqtt.url \(configuration.brokerURL) is not a broker URL",
                         fix: "set mqtt.url = \"mqtt://HOST:PORT\" or \"mqtts://HOST:PORT\"")
        }
        let target = "\(broker.host):\(broker.port)"
        let clientID = "storegate-doctor-" + UUID().uuidString.prefix(8).lowercased()
        let client: MQTTClient
        do {
            let options = configuration.connectionOptions(to: broker, clientID: clientID, sessionExpirySeconds: 0)
            client = try MQTTClient(options: options)
        } catch {
            return .fail(self.name, "cannot set up a connection to \(broker.description): \(error)",
                         fix: "check mqtt.ca_file, mqtt.cert_file and mqtt.key_file (readable by this user, PEM)")
        }
        let started = ContinuousClock.now
        client.start()
        let outcome = await Self.firstOutcome(of: client, within: context.timeout)
        let elapsed = ContinuousClock.now - started
        switch outcome {
        case .connected:
            // Said goodbye with DISCONNECT, so the broker discards the session at once.
            await client.shutdown()
            let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
            return .ok(self.name, "\(broker.description) CONNACK in \(milliseconds) ms",
                       details: ["connected as \(clientID) with a session that ends with the connection: "
                           + "the daemon's session is untouched"])
        case .connectFailed(let reason):
            // Not waited for: the loop thread may be inside its next connect attempt; the process ends soon anyway.
            client.stop()
            let failure = BrokerFailure.explaining(reason, target: target)
            return .fail(self.name, "\(broker.description): \(failure.summary)", details: [reason], fix: failure.fix)
        default:
            client.stop()
            let failure = BrokerFailure.timedOut(target: target, after: context.timeout)
            return .fail(self.name, "\(broker.description): \(failure.summary)", fix: failure.fix)
        }
    }

    /// The first CONNACK or connection failure the client reports, or nil if none comes within `timeout`.
    static func firstOutcome(of client: MQTTClient, within timeout: Duration) async -> MQTTEvent? {
        await withTaskGroup(of: MQTTEvent?.self) { group in
            group.addTask {
                for await event in client.events {
                    switch event {
                    case .connected, .connectFailed: return event
                    default: continue
                    }
                }
                return nil
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}
