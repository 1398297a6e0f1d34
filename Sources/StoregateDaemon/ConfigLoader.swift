import Foundation
import StoregateAPI
import StoregateCore
import StoregateLedger
public import StoregateConfig
import StoregateMQTTClient
import TOMLKit

/// Reads and validates the TOML configuration. Unknown keys, wrong types and bad values are all reported, each
/// naming its key; nothing is half-applied.
public enum ConfigLoader {
    static let knownKeys: [String: Set<String>] = [
        "gateway": ["db", "store_id", "status_file", "log_level"],
        "mqtt": ["url", "client_id", "username", "password", "password_file", "ca_file", "cert_file", "key_file", "keepalive_seconds",
                 "session_expiry_seconds", "reconnect_min_ms", "reconnect_max_ms", "window", "heartbeat_seconds"],
        "outbox": ["shed_telemetry_above", "interleave_after"],
        "sales": ["summary_minutes"],
        "disk": ["reserve_mib", "low_space_mib", "keep_delivered_days"],
        "downlink": ["enabled", "keys", "max_age_hours"],
        "roles": Set(LaneRole.allCases.map(\.rawValue)),
        "scanner": Set(["source", "lane", "role", "operator"] + Self.passThroughKeys),
        "api": ["listen", "default_role", "auth", "max_event_streams", "max_connections", "idle_timeout_seconds", "tls_cert_file",
                "tls_key_file", "host_names"],
        "store": StoreSettings.knownKeys,
    ]

    public static func load(path: String) throws(ConfigErrors) -> DaemonConfiguration {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigErrors(errors: [ConfigError(key: "", problem: "cannot read the config file \(path)")])
        }
        return try Self.parse(text, credentialsDirectory: ProcessInfo.processInfo.environment["CREDENTIALS_DIRECTORY"])
    }

    /// The broker password when neither `mqtt.password` nor `mqtt.password_file` gives one: systemd's
    /// `LoadCredential=mqtt-password:…` puts it in `$CREDENTIALS_DIRECTORY`, readable by the service alone.
    static let credentialName = "mqtt-password"

    /// A file's content without its trailing newline (what `echo secret > file` writes).
    static func secret(inFile path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return text.hasSuffix("\n") ? String(text.dropLast(text.hasSuffix("\r\n") ? 2 : 1)) : text
    }

    /// - Parameter credentialsDirectory: systemd's `$CREDENTIALS_DIRECTORY`, where an `mqtt-password` credential
    ///   stands in for a password the file does not give.
    public static func parse(_ text: String, credentialsDirectory: String? = nil) throws(ConfigErrors) -> DaemonConfiguration {
        let table = try TOMLReader.table(text)
        var reader = TOMLReader(knownKeys: Self.knownKeys)
        var config = DaemonConfiguration()
        reader.checkSections(table)
        if let gateway = reader.section(table, "gateway") {
            config.databasePath = reader.string(gateway, "gateway.db", nonEmpty: true) ?? config.databasePath
            config.storeID = reader.string(gateway, "gateway.store_id", topicLevel: true)
            config.statusFile = reader.string(gateway, "gateway.status_file", nonEmpty: true)
            if let level = reader.string(gateway, "gateway.log_level") {
                let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
                if levels.contains(level) { config.logLevel = level } else {
                    reader.fail("gateway.log_level", "\(level) is not a level; use one of \(levels.joined(separator: ", "))")
                }
            }
        }
        if let mqtt = reader.section(table, "mqtt") {
            if let url = reader.string(mqtt, "mqtt.url") {
                if BrokerAddress(url: url) == nil {
                    reader.fail("mqtt.url", "\(url) is not a broker URL; use \(BrokerAddress.expectedForm) (port 1–65535)")
                } else {
                    config.brokerURL = url
                }
            }
            config.clientID = reader.string(mqtt, "mqtt.client_id", nonEmpty: true)
            config.username = reader.string(mqtt, "mqtt.username")
            config.password = reader.string(mqtt, "mqtt.password")
            config.caFile = reader.string(mqtt, "mqtt.ca_file", readableFile: true)
            config.certificateFile = reader.string(mqtt, "mqtt.cert_file", readableFile: true)
            config.keyFile = reader.string(mqtt, "mqtt.key_file", readableFile: true)
            config.keepAliveSeconds = reader.int(mqtt, "mqtt.keepalive_seconds", 5...3_600) ?? config.keepAliveSeconds
            config.sessionExpirySeconds = reader.int(mqtt, "mqtt.session_expiry_seconds", 0...Int(UInt32.max)) ?? config.sessionExpirySeconds
            config.reconnectMinimumMilliseconds = reader.int(mqtt, "mqtt.reconnect_min_ms", 10...600_000) ?? config.reconnectMinimumMilliseconds
            config.reconnectMaximumMilliseconds = reader.int(mqtt, "mqtt.reconnect_max_ms", 10...3_600_000) ?? config.reconnectMaximumMilliseconds
            config.window = reader.int(mqtt, "mqtt.window", 1...1_000) ?? config.window
            config.heartbeatSeconds = reader.int(mqtt, "mqtt.heartbeat_seconds", 1...86_400) ?? config.heartbeatSeconds
            if config.reconnectMaximumMilliseconds < config.reconnectMinimumMilliseconds {
                reader.fail("mqtt.reconnect_max_ms", "\(config.reconnectMaximumMilliseconds) is below mqtt.reconnect_min_ms (\(config.reconnectMinimumMilliseconds))")
            }
            if (config.certificateFile == nil) != (config.keyFile == nil) {
                reader.fail(config.certificateFile == nil ? "mqtt.cert_file" : "mqtt.key_file",
                            "a client certificate needs both mqtt.cert_file and mqtt.key_file")
            }
            // A certificate or key with a plain-TCP URL would be silently unused: the operator meant TLS.
            if config.broker?.tls == false {
                for (key, file) in [("mqtt.ca_file", config.caFile), ("mqtt.cert_file", config.certificateFile), ("mqtt.key_file", config.keyFile)]
                    where file != nil {
                    reader.fail(key, "TLS files are set but mqtt.url is mqtt://; use mqtts://")
                }
            }
            if let file = reader.string(mqtt, "mqtt.password_file", readableFile: true) {
                if config.password != nil {
                    reader.fail("mqtt.password_file", "set mqtt.password or mqtt.password_file, not both")
                } else {
                    config.password = Self.secret(inFile: file)
                }
            }
        }
        if let store = reader.section(table, "store") {
            config.store = reader.storeSettings(store)
        }
        if let outbox = reader.section(table, "outbox") {
            config.shedTelemetryAbove = reader.int(outbox, "outbox.shed_telemetry_above", 1_000...100_000_000) ?? config.shedTelemetryAbove
            config.interleaveAfter = reader.int(outbox, "outbox.interleave_after", 0...100_000_000) ?? config.interleaveAfter
        }
        if let disk = reader.section(table, "disk") {
            if let mebibytes = reader.int(disk, "disk.reserve_mib", 0...65_536) { config.disk.reserveBytes = Int64(mebibytes) << 20 }
            if let mebibytes = reader.int(disk, "disk.low_space_mib", 0...1_048_576) { config.disk.lowSpaceBytes = Int64(mebibytes) << 20 }
            if let days = reader.int(disk, "disk.keep_delivered_days", 0...3_650) { config.disk.keepDeliveredMilliseconds = Int64(days) * 86_400_000 }
        }
        if let downlink = reader.section(table, "downlink") {
            config.downlinkEnabled = reader.bool(downlink, "downlink.enabled") ?? config.downlinkEnabled
            config.downlinkMaxAgeHours = reader.int(downlink, "downlink.max_age_hours", 1...8_760) ?? config.downlinkMaxAgeHours
            if let keys = reader.section(downlink, "keys", name: "downlink.keys") {
                for keyID in keys.keys {
                    if let value = reader.string(keys, "downlink.keys.\(keyID)", entry: keyID) {
                        if DownlinkKeyCheck.isEd25519PublicKey(value) { config.downlinkKeys[keyID] = value } else {
                            reader.fail("downlink.keys.\(keyID)", "not a base64url Ed25519 public key (43 characters)")
                        }
                    }
                }
            }
        }
        if let roles = reader.section(table, "roles") {
            for role in LaneRole.allCases {
                guard let name = reader.string(roles, "roles.\(role.rawValue)", entry: role.rawValue) else { continue }
                guard let operation = Operation(rawValue: name), operation != .void else {
                    reader.fail("roles.\(role.rawValue)", "\(name) is not an operation a scan can trigger; use verify, receive, sell or redeem")
                    continue
                }
                guard role.allows(operation) else {
                    reader.fail("roles.\(role.rawValue)", "a \(role.rawValue) lane may not \(name)")
                    continue
                }
                config.operations[role] = operation
            }
        }
        if let sales = reader.section(table, "sales") {
            config.salesSummaryMinutes = reader.int(sales, "sales.summary_minutes", 1...1_440) ?? config.salesSummaryMinutes
        }
        if let api = reader.section(table, "api") {
            if let listen = reader.string(api, "api.listen") {
                if listen.isEmpty || APIAddress(listen) != nil { config.apiListen = listen } else {
                    reader.fail("api.listen", "\(listen) is not HOST:PORT (e.g. 127.0.0.1:8790, [::1]:8790); \"\" disables the API")
                }
            }
            if let name = reader.string(api, "api.default_role") {
                do { config.apiDefaultRole = try LaneRole(named: name) } catch {
                    reader.fail("api.default_role", "\(error)")
                }
            }
            if let name = reader.string(api, "api.auth") {
                if let auth = APIConfiguration.Auth(rawValue: name) { config.apiAuth = auth } else {
                    reader.fail("api.auth", "\(name) is not an authentication; use \"tokens\" or \"none\"")
                }
            }
            config.apiMaxEventStreams = reader.int(api, "api.max_event_streams", 1...1_000) ?? config.apiMaxEventStreams
            config.apiMaxConnections = reader.int(api, "api.max_connections", 1...10_000) ?? config.apiMaxConnections
            config.apiIdleTimeoutSeconds = reader.int(api, "api.idle_timeout_seconds", 1...3_600) ?? config.apiIdleTimeoutSeconds
            config.apiHostNames = reader.strings(api, "api.host_names") ?? config.apiHostNames
            let errorsBeforeTLS = reader.errors.count
            let certificateFile = reader.string(api, "api.tls_cert_file", readableFile: true)
            let keyFile = reader.string(api, "api.tls_key_file", readableFile: true)
            if (api["tls_cert_file"] == nil) != (api["tls_key_file"] == nil) {
                reader.fail(api["tls_cert_file"] == nil ? "api.tls_cert_file" : "api.tls_key_file", "HTTPS needs both api.tls_cert_file and api.tls_key_file")
            } else if let certificateFile, let keyFile {
                let tls = APITLSFiles(certificateFile: certificateFile, keyFile: keyFile)
                if let problem = tls.problem() { reader.fail(problem.key, problem.problem) } else { config.apiTLS = tls }
            }
            // With the TLS files refused already, "set the TLS files" would only repeat it.
            if reader.errors.count == errorsBeforeTLS, let api = config.api, let refusal = api.listenProblem {
                reader.fail(refusal.key, refusal.problem)
            }
        }
        if let scanners = table["scanner"] {
            if let array = scanners.array {
                for (index, element) in array.enumerated() {
                    let prefix = "scanner[\(index + 1)]"
                    guard let scanner = element.table else {
                        reader.fail(prefix, "must be a table ([[scanner]])")
                        continue
                    }
                    reader.checkKeys(scanner, section: "scanner", prefix: prefix)
                    let source = reader.string(scanner, "\(prefix).source", entry: "source", nonEmpty: true)
                    let lane = reader.string(scanner, "\(prefix).lane", entry: "lane", nonEmpty: true)
                    let roleName = reader.string(scanner, "\(prefix).role", entry: "role")
                    let role = roleName.flatMap(LaneRole.init(rawValue:))
                    if source == nil { reader.fail("\(prefix).source", "missing; e.g. source = \"replay:/path/scans.txt\"") }
                    if lane == nil { reader.fail("\(prefix).lane", "missing; e.g. lane = \"1\"") }
                    if role == nil {
                        reader.fail("\(prefix).role", roleName.map { "\(UnknownLaneRole(name: $0))" } ?? "missing; use one of \(LaneRole.names)")
                    }
                    if let source, let problem = SourceFactory.problem(with: source) {
                        reader.fail("\(prefix).source", "\(source): \(problem) (supported: \(SourceFactory.supported))")
                    }
                    if let source, let lane, let role {
                        let operatorName = reader.string(scanner, "\(prefix).operator", entry: "operator") ?? "lane-\(lane)"
                        let passThrough = Self.passThrough(scanner, prefix: prefix, source: source, reader: &reader)
                        config.scanners.append(ScannerConfiguration(source: source, lane: lane, role: role, operatorName: operatorName,
                                                                    passThrough: passThrough))
                    }
                }
            } else {
                reader.fail("scanner", "must be an array of tables ([[scanner]])")
            }
        }
        if config.password == nil, let directory = credentialsDirectory {
            config.password = Self.secret(inFile: (directory as NSString).appendingPathComponent(Self.credentialName))
        }
        try reader.finish()
        return config
    }
}

enum DownlinkKeyCheck {
    static func isEd25519PublicKey(_ text: String) -> Bool {
        text.utf8.count == 43 && text.utf8.allSatisfy { byte in
            (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x5F
        }
    }
}
