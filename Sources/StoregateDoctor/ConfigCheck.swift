import StoregateAPI
import StoregateConfig
import StoregateDaemon

/// Check 1: the config file loads and validates, with every problem named by its key (``ConfigLoader``).
struct ConfigCheck: DoctorCheck {
    let name = "config"

    func run(_ context: DoctorContext) -> DoctorFinding {
        let configuration = context.configuration
        switch context.configSource {
        case .loaded(let path):
            if let problem = ConfigFileExposure.problem(path: path, configuration: configuration) {
                return .warn(self.name, problem, fix: ConfigFileExposure.fix(path: path))
            }
            if let warning = configuration.plainTextPasswordWarning {
                return .warn(self.name, "\(path): \(warning)",
                             fix: "give the broker a TLS listener and set mqtt.url = \"mqtts://…\" (and mqtt.ca_file if its CA is private)")
            }
            if configuration.api?.auth == .unauthenticated {
                return .warn(self.name, "api.auth = \"none\": every process on this machine may use the POS API as any lane",
                             fix: "issue each till a token (`storegate api token add --till T --scopes …`), then remove api.auth or set it to \"tokens\"")
            }
            return .ok(self.name, "\(path): valid (broker \(configuration.brokerURL), ledger \(configuration.databasePath), "
                + "\(configuration.scanners.count) scanner(s))")
        case .missing(let path):
            return .warn(
                self.name,
                "no config file at \(path): the defaults apply (ledger \(configuration.databasePath), broker "
                    + "\(configuration.brokerURL), no scanners, no downlink keys)",
                fix: "write \(path) (systemd/install.sh writes a skeleton; every key is in docs/config.md) or pass --config PATH")
        case .invalid(let path, let errors):
            let keys = errors.errors.map { $0.key.isEmpty ? "the file" : $0.key }
            return .fail(
                self.name,
                "\(path): \(errors.errors.count) problem(s) in \(keys.joined(separator: ", ")); the other checks used the defaults",
                details: errors.errors.map(\.description),
                fix: "change the key(s) named (docs/config.md), then `storegate config check \(path)`")
        }
    }
}
