import StoregateMQTTClient
import ArgumentParser
import StoregateDaemon
import StoregateMQTTClient

/// `--db`, `--broker`, `--store-id`: the command-line overrides of the config file that `storegate run` and
/// `storegate doctor` share, so the doctor checks exactly what the daemon would use.
struct ConfigOverrides: ParsableArguments {
    @Option(help: "Ledger file (overrides gateway.db).")
    var db: String?
    @Option(help: "Broker, \(BrokerAddress.expectedForm) (overrides mqtt.url).")
    var broker: String?
    @Option(name: .customLong("store-id"), help: "Must match the ledger's store id (overrides gateway.store_id).")
    var storeID: String?

    func validate() throws {
        if let broker = self.broker, BrokerAddress(url: broker) == nil {
            throw ValidationError("--broker \(broker) is not \(BrokerAddress.expectedForm)")
        }
    }

    func apply(to configuration: inout DaemonConfiguration) {
        if let db = self.db { configuration.databasePath = db }
        if let broker = self.broker { configuration.brokerURL = broker }
        if let storeID = self.storeID { configuration.storeID = storeID }
    }
}
