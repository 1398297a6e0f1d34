import Foundation
public import StoregateConfig
import StoregateMQTTClient
import TOMLKit

/// Reads and validates `hq.toml`; every problem is reported with its key, nothing is half-applied.
public enum HQConfigLoader {
    static let knownKeys: [String: Set<String>] = [
        "hq": ["log_level"],
        "database": ["host", "port", "user", "password", "password_file", "name", "pool_size"],
        "mqtt": ["url", "client_id", "share_group", "username", "password", "ca_file", "cert_file", "key_file",
                 "session_expiry_seconds"],
        "downlink": ["key_id", "key_file", "revoke_double_redemptions", "sync_beacon_seconds", "resend_seconds"],
        "ingest": ["batch_size", "batch_size_max", "batch_ms", "commits_in_flight", "gap_requeue_after_seconds", "requeue_resend_seconds", "gap_alert_after_requeues"],
        "alerts": ["stale_gateway_seconds", "backlog_age_seconds", "counterfeit_per_hour", "connections_per_hour"],
        "console": ["listen", "session_hours", "secure_cookies", "origin", "trusted_proxies"],
    ]

    public static func load(path: String) throws(ConfigErrors) -> HQConfiguration {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigErrors(errors: [ConfigError(key: "", problem: "cannot read the config file \(path)")])
        }
        return try Self.parse(text)
    }

    public static func parse(_ text: String) throws(ConfigErrors) -> HQConfiguration {
        let table = try TOMLReader.table(text)
        var reader = TOMLReader(knownKeys: Self.knownKeys)
        var config = HQConfiguration()
        reader.checkSections(table)
        if let hq = reader.section(table, "hq") {
            if let level = reader.string(hq, "hq.log_level") {
                let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
                if levels.contains(level) { config.logLevel = level } else {
                    reader.fail("hq.log_level", "\(level) is not a level; use one of \(levels.joined(separator: ", "))")
                }
            }
        }
        if let database = reader.section(table, "database") {
            config.database.host = reader.string(database, "database.host", nonEmpty: true) ?? config.database.host
            config.database.port = reader.int(database, "database.port", 1...65_535) ?? config.database.port
            config.database.user = reader.string(database, "database.user", nonEmpty: true) ?? config.database.user
            config.database.name = reader.string(database, "database.name", nonEmpty: true) ?? config.database.name
            config.database.poolSize = reader.int(database, "database.pool_size", 2...200) ?? config.database.poolSize
            config.database.password = reader.string(database, "database.password")
            if let file = reader.string(database, "database.password_file", readableFile: true) {
                if config.database.password != nil {
                    reader.fail("database.password_file", "give the password with database.password or database.password_file, not both")
                }
                config.database.password = (try? String(contentsOfFile: file, encoding: .utf8))?
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
        if let mqtt = reader.section(table, "mqtt") {
            if let url = reader.string(mqtt, "mqtt.url") {
                if BrokerAddress(url: url) == nil {
                    reader.fail("mqtt.url", "\(url) is not a broker URL; use \(BrokerAddress.expectedForm) (port 1–65535)")
                } else {
                    config.mqtt.url = url
                }
            }
            config.mqtt.clientID = reader.string(mqtt, "mqtt.client_id", nonEmpty: true) ?? config.mqtt.clientID
            config.mqtt.shareGroup = reader.string(mqtt, "mqtt.share_group", topicLevel: true) ?? config.mqtt.shareGroup
            config.mqtt.username = reader.string(mqtt, "mqtt.username")
            config.mqtt.password = reader.string(mqtt, "mqtt.password")
            config.mqtt.caFile = reader.string(mqtt, "mqtt.ca_file", readableFile: true)
            config.mqtt.certificateFile = reader.string(mqtt, "mqtt.cert_file", readableFile: true)
            config.mqtt.keyFile = reader.string(mqtt, "mqtt.key_file", readableFile: true)
            config.mqtt.sessionExpirySeconds = reader.int(mqtt, "mqtt.session_expiry_seconds", 0...Int(UInt32.max))
                ?? config.mqtt.sessionExpirySeconds
        }
        if let downlink = reader.section(table, "downlink") {
            config.downlinkKeyID = reader.string(downlink, "downlink.key_id", topicLevel: true)
            config.downlinkKeyFile = reader.string(downlink, "downlink.key_file", readableFile: true)
            if (config.downlinkKeyID == nil) != (config.downlinkKeyFile == nil) {
                reader.fail(config.downlinkKeyID == nil ? "downlink.key_id" : "downlink.key_file",
                            "the downlink signing key needs both downlink.key_id and downlink.key_file")
            }
            config.revokeDoubleRedemptions = reader.bool(downlink, "downlink.revoke_double_redemptions") ?? config.revokeDoubleRedemptions
            if let seconds = reader.int(downlink, "downlink.sync_beacon_seconds", 0...86_400) {
                config.syncBeaconMilliseconds = Int64(seconds) * 1_000
            }
            if let seconds = reader.int(downlink, "downlink.resend_seconds", 1...86_400) {
                config.downlinkResendMilliseconds = Int64(seconds) * 1_000
            }
        }
        if let ingest = reader.section(table, "ingest") {
            config.batchSize = reader.int(ingest, "ingest.batch_size", 1...10_000) ?? config.batchSize
            config.batchSizeMax = reader.int(ingest, "ingest.batch_size_max", 1...50_000) ?? max(config.batchSizeMax, config.batchSize)
            config.batchMilliseconds = reader.int(ingest, "ingest.batch_ms", 1...10_000) ?? config.batchMilliseconds
            config.commitsInFlight = reader.int(ingest, "ingest.commits_in_flight", 1...16) ?? config.commitsInFlight
            if let seconds = reader.int(ingest, "ingest.gap_requeue_after_seconds", 1...86_400) {
                config.gapRequeueAfterMilliseconds = Int64(seconds) * 1_000
            }
            if let seconds = reader.int(ingest, "ingest.requeue_resend_seconds", 1...86_400) {
                config.requeueResendMilliseconds = Int64(seconds) * 1_000
            }
            config.gapAlertAfterRequeues = reader.int(ingest, "ingest.gap_alert_after_requeues", 1...1_000) ?? config.gapAlertAfterRequeues
        }
        if let alerts = reader.section(table, "alerts") {
            if let seconds = reader.int(alerts, "alerts.stale_gateway_seconds", 10...604_800) {
                config.staleGatewayMilliseconds = Int64(seconds) * 1_000
            }
            if let seconds = reader.int(alerts, "alerts.backlog_age_seconds", 10...604_800) {
                config.backlogAgeAlertMilliseconds = Int64(seconds) * 1_000
            }
            config.counterfeitPerHourAlert = reader.int(alerts, "alerts.counterfeit_per_hour", 1...1_000_000) ?? config.counterfeitPerHourAlert
            config.connectionsPerHourAlert = reader.int(alerts, "alerts.connections_per_hour", 2...100_000) ?? config.connectionsPerHourAlert
        }
        if let console = reader.section(table, "console") {
            if let listen = reader.string(console, "console.listen") {
                if ListenAddress(listen) == nil {
                    reader.fail("console.listen", "\(listen) is not host:port (e.g. 127.0.0.1:8480, port 0–65535)")
                } else {
                    config.console.listen = listen
                }
            }
            config.console.sessionHours = reader.int(console, "console.session_hours", 1...720) ?? config.console.sessionHours
            config.console.secureCookies = reader.bool(console, "console.secure_cookies") ?? config.console.secureCookies
            if let origin = reader.string(console, "console.origin") {
                if let url = URL(string: origin), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
                   url.host != nil, url.path.isEmpty || url.path == "/", url.query == nil {
                    config.console.origin = "\(scheme)://\(url.host!)" + (url.port.map { ":\($0)" } ?? "")
                } else {
                    reader.fail("console.origin", "\(origin) is not an origin such as https://hq.example.cn (scheme, host and port only)")
                }
            }
            for proxy in reader.strings(console, "console.trusted_proxies") ?? [] {
                if let address = IPAddressText.canonical(proxy) {
                    config.console.trustedProxies.append(address)
                } else {
                    reader.fail("console.trusted_proxies", "\(proxy) is not an IP address (a proxy is named by its address, e.g. 10.0.0.5)")
                }
            }
        }
        if config.batchSizeMax < config.batchSize {
            reader.fail("ingest.batch_size_max", "\(config.batchSizeMax) is less than ingest.batch_size (\(config.batchSize))")
        }
        if config.commitsInFlight >= config.database.poolSize {
            reader.fail("ingest.commits_in_flight", """
                \(config.commitsInFlight) would take every connection of the pool (database.pool_size = \(config.database.poolSize)) \
                and leave none for the jobs and the console
                """)
        }
        try reader.finish()
        return config
    }
}
