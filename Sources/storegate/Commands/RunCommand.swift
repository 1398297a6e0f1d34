import ArgumentParser
import Foundation
import Logging
import StoregateAPI
import StoregateCore
import StoregateDaemon
import StoregateLink
import StoregateConfig

/// `storegate run`: the daemon.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run the gateway: scanners → ledger → HQ over MQTT (systemd Type=notify).")

    @Option(help: "The TOML configuration (default /etc/storegate/storegate.toml when it exists).")
    var config: String?
    @OptionGroup var overrides: ConfigOverrides
    @Option(help: "A scan source, e.g. replay:FILE; repeat for several (each with its --role, --lane).")
    var source: [String] = []
    @Option(help: "The role of the lane of each --source: receiving, checkout, redemption, service or sale.")
    var role: [String] = []
    @Option(help: "The lane of each --source (default 1, 2, …).")
    var lane: [String] = []
    @Flag(name: .customLong("exit-when-drained"), help: "Stop once the sources are exhausted and HQ acknowledged every event.")
    var exitWhenDrained = false
    @Flag(name: .customLong("report-latency"), help: "At exit, print scan → PUBACK latency percentiles to stderr (benchmarks).")
    var reportLatency = false
    @Option(help: "The POS API's HOST:PORT, or none (overrides api.listen).")
    var api: String?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error (overrides gateway.log_level).")
    var logLevel: String?

    func validate() throws {
        if self.role.count != self.source.count {
            throw ValidationError("give one --role per --source (\(self.source.count) sources, \(self.role.count) roles)")
        }
        for role in self.role {
            do { _ = try LaneRole(named: role) } catch { throw ValidationError("--role \(error)") }
        }
        if self.lane.count > self.source.count { throw ValidationError("more --lane than --source") }
        if let api = self.api, api != "none", APIAddress(api) == nil {
            throw ValidationError("--api \(api) is not HOST:PORT (e.g. 127.0.0.1:8790) or none")
        }
    }

    func run() async throws {
        var configuration = try Self.loadConfiguration(self.config)
        self.overrides.apply(to: &configuration)
        if let api = self.api { configuration.apiListen = api == "none" ? "" : api }
        if let api = configuration.api, let refusal = api.listenProblem {
            throw ValidationError("--api: \(refusal.key): \(refusal.problem)")
        }
        for (index, spec) in self.source.enumerated() {
            if let problem = SourceFactory.problem(with: spec) {
                throw ValidationError("--source \(spec): \(problem) (supported: \(SourceFactory.supported))")
            }
            let lane = index < self.lane.count ? self.lane[index] : String(index + 1)
            configuration.scanners.append(ScannerConfiguration(
                source: spec, lane: lane, role: LaneRole(rawValue: self.role[index]) ?? .service, operatorName: "lane-\(lane)"))
        }
        let level = Logger.Level(rawValue: self.logLevel ?? configuration.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "storegate")
        let latency = self.reportLatency ? ScanLatencyRecorder() : nil
        do {
            try await Daemon.run(configuration, exitWhenDrained: self.exitWhenDrained, logger: logger, latency: latency) { line in
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
            }
            if let summary = latency?.summary { printError("scan → PUBACK latency: \(summary)") }
        } catch let error as DaemonError {
            printError("error: \(error.message)")
            throw ExitCode(2)
        }
    }

    static func loadConfiguration(_ path: String?) throws -> DaemonConfiguration {
        let file = path ?? DaemonConfiguration.defaultConfigFile
        if path == nil && !FileManager.default.fileExists(atPath: file) { return DaemonConfiguration() }
        do {
            return try ConfigLoader.load(path: file)
        } catch {
            printError(error.description)
            throw ExitCode(2)
        }
    }
}

/// `storegate config check`.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Check the daemon's configuration.", subcommands: [ConfigCheckCommand.self])
}

struct ConfigCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Validate a config file: every problem, each naming its key. Exit 0 valid, 2 invalid.")
    @Argument(help: "The TOML file.")
    var path = DaemonConfiguration.defaultConfigFile

    func run() throws {
        do {
            let config = try ConfigLoader.load(path: self.path)
            print("\(self.path): valid (broker \(config.brokerURL), ledger \(config.databasePath), \(config.scanners.count) scanner(s), "
                  + "POS API \(config.api?.address.description ?? "disabled"))")
            if let problem = ConfigFileExposure.problem(path: self.path, configuration: config) {
                printError("warning: \(problem): \(ConfigFileExposure.fix(path: self.path))")
            }
        } catch {
            printError(error.description)
            throw ExitCode(2)
        }
    }
}
