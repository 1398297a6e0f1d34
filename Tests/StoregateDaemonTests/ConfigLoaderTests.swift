import Foundation
import StoregateMQTTClient
import StoregateAPI
import StoregateCore
import StoregateDaemon
import StoregateLedger
import StoregateMQTTClient
import StoregateTesting
import Testing
import StoregateConfig

/// Each invalid key gives its own error, naming the key.
struct ConfigLoaderTests {
    @Test func fullValidConfigLoads() throws {
        let config = try ConfigLoader.parse("""
            [gateway]
            db = "/tmp/l.sqlite"
            store_id = "S1"
            [mqtt]
            url = "mqtt://broker.local:1884"
            window = 50
            [disk]
            reserve_mib = 32
            low_space_mib = 128
            [downlink]
            keys = { "hq-dl-1" = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }
            [roles]
            checkout = "redeem"
            [[scanner]]
            source = "replay:/tmp/x.txt"
            lane = "2"
            role = "checkout"
            """)
        #expect(config.broker == BrokerAddress(url: "mqtt://broker.local:1884"))
        #expect(config.window == 50)
        #expect(config.disk.reserveBytes == 32 << 20)
        #expect(config.disk.lowSpaceBytes == 128 << 20)
        #expect(config.operations[.checkout] == .redeem)
        #expect(config.scanners == [ScannerConfiguration(source: "replay:/tmp/x.txt", lane: "2", role: .checkout, operatorName: "lane-2")])
        #expect(config.downlinkKeys.count == 1)
        #expect(config.downlinkMaxAgeHours == 168, "the documented default")
        #expect(try ConfigLoader.parse("[downlink]\nmax_age_hours = 24").downlinkMaxAgeHours == 24)
    }

    @Test func theAPIIsOffByDefaultAndLanesTakeTheirScannersRole() throws {
        #expect(try ConfigLoader.parse("").api == nil)
        let enabled = try ConfigLoader.parse("[api]\nlisten = \"127.0.0.1:8790\"")
        #expect(enabled.api?.address == APIAddress(host: "127.0.0.1", port: 8790))
        #expect(enabled.api?.defaultRole == .checkout)

        let config = try ConfigLoader.parse("""
            [api]
            listen = "[::1]:9000"
            default_role = "service"
            [[scanner]]
            source = "replay:/tmp/x.txt"
            lane = "dock"
            role = "receiving"
            """)
        #expect(config.api?.address == APIAddress(host: "::1", port: 9000))
        #expect(config.api?.address.isLoopback == true)
        #expect(config.api?.laneRoles == ["dock": .receiving])
        #expect(config.api?.defaultRole == .service)

        #expect(try ConfigLoader.parse("[api]\nlisten = \"\"").api == nil)
    }

    @Test func theAPINeedsTokensUnlessToldOtherwiseOnLoopback() throws {
        let defaults = try ConfigLoader.parse("[api]\nlisten = \"127.0.0.1:8790\"")
        #expect(defaults.api?.auth == .tokens)
        #expect(defaults.api?.maxEventStreams == 16)
        let open = try ConfigLoader.parse("[api]\nlisten = \"localhost:8790\"\nauth = \"none\"\nmax_event_streams = 4")
        #expect(open.api?.auth == .unauthenticated)
        #expect(open.api?.maxEventStreams == 4)
    }

    @Test(arguments: [
        ("[mqtt]\nurl = \"http://x\"", "mqtt.url"),
        ("[mqtt]\nurl = \"mqtt://x:70000\"", "mqtt.url"),
        ("[mqtt]\nwindow = 0", "mqtt.window"),
        ("[mqtt]\nwindow = \"ten\"", "mqtt.window"),
        ("[mqtt]\nprot = 1", "mqtt.prot"),
        ("[mqtt]\nca_file = \"/nonexistent/ca.pem\"", "mqtt.ca_file"),
        ("[mqtt]\nreconnect_min_ms = 5000\nreconnect_max_ms = 1000", "mqtt.reconnect_max_ms"),
        ("[gateway]\nstore_id = \"a/b\"", "gateway.store_id"),
        ("[gateway]\nlog_level = \"loud\"", "gateway.log_level"),
        ("[gateway]\ndb = \"\"", "gateway.db"),
        ("[outbox]\nshed_telemetry_above = 5", "outbox.shed_telemetry_above"),
        ("[disk]\nreserve_mib = -1", "disk.reserve_mib"),
        ("[disk]\nlow_space_mib = \"lots\"", "disk.low_space_mib"),
        ("[disk]\nkeep_delivered_days = 9999", "disk.keep_delivered_days"),
        ("[disk]\nreserve = 64", "disk.reserve"),
        ("[downlink]\nenabled = \"yes\"", "downlink.enabled"),
        ("[downlink]\nkeys = { k1 = \"short\" }", "downlink.keys.k1"),
        ("[downlink]\nmax_age_hours = 0", "downlink.max_age_hours"),
        ("[downlink]\nmax_age_hours = \"a week\"", "downlink.max_age_hours"),
        ("[roles]\nreceiving = \"redeem\"", "roles.receiving"),
        ("[api]\nlisten = \"8790\"", "api.listen"),
        ("[api]\nlisten = \"127.0.0.1:99999\"", "api.listen"),
        ("[api]\ndefault_role = \"boss\"", "api.default_role"),
        ("[api]\nport = 8790", "api.port"),
        ("[api]\nlisten = \"0.0.0.0:8790\"\nauth = \"none\"", "api.auth"),
        ("[api]\nlisten = \"192.168.1.5:8790\"", "api.listen"),
        ("[api]\nauth = \"password\"", "api.auth"),
        ("[api]\nmax_event_streams = 0", "api.max_event_streams"),
        ("[api]\nmax_connections = 0", "api.max_connections"),
        ("[api]\nidle_timeout_seconds = 0", "api.idle_timeout_seconds"),
        ("[api]\nhost_names = [\"\"]", "api.host_names"),
        ("[api]\nhost_names = \"pos.local\"", "api.host_names"),
        ("[roles]\ncheckout = \"fly\"", "roles.checkout"),
        ("[[scanner]]\nsource = \"floppy:/dev/fd0\"\nlane = \"1\"\nrole = \"checkout\"", "scanner[1].source"),
        ("[[scanner]]\nsource = \"replay:/x\"\nlane = \"1\"\nrole = \"boss\"", "scanner[1].role"),
        ("[[scanner]]\nsource = \"replay:/x\"\nrole = \"checkout\"", "scanner[1].lane"),
        ("[[scanner]]\nsource = \"replay:/x\"\nlane = \"1\"\nrole = \"checkout\"\ncolour = \"red\"", "scanner[1].colour"),
        ("[nonsense]\na = 1", "nonsense"),
        ("[sales]\nsummary_minutes = 0", "sales.summary_minutes"),
        ("[mqtt]\npassword_file = \"/nonexistent/secret\"", "mqtt.password_file"),
    ])
    func eachInvalidKeyNamesItself(_ text: String, _ key: String) {
        do {
            _ = try ConfigLoader.parse(text)
            Issue.record("accepted invalid config for \(key)")
        } catch {
            #expect(error.errors.count == 1, "\(error.errors)")
            #expect(error.errors.first?.key == key, "\(error.errors)")
            #expect(error.description.hasPrefix("config key \(key): "))
        }
    }

    @Test func severalProblemsAreAllReported() {
        do {
            _ = try ConfigLoader.parse("[mqtt]\nwindow = 0\nheartbeat_seconds = -1\n[gateway]\nlog_level = 3")
            Issue.record("accepted")
        } catch {
            #expect(Set(error.errors.map(\.key)) == ["mqtt.window", "mqtt.heartbeat_seconds", "gateway.log_level"])
        }
    }

    /// Each a specific error with its line, never an abort: `[*mqtt]` made TOMLKit's parser assert (found by the
    /// config fuzzer), which killed the process.
    @Test(arguments: [("[mqtt\nurl = 1", 1), ("[gateway]\n[*mqtt]\nurl = \"mqtt://x\"", 2), ("[[ *scanner]]", 1), ("a = 1\n\n[ -]x", 3),
                       ("\u{FEFF}[\u{2}]", 1), ("[gateway]\r\n[\u{99}x]", 2), ("[gateway]\n[\u{06E2}=\"e\"", 2), ("[\t\u{0B}m]", 1), ("x = [}]", 1), ("[api]\nx = [1,\n }]", 3), ("x = { a = [ \"}\", } ] }", 1),
                       ("x = [ [ } ] ]", 1)])
    func brokenTOMLSaysWhere(_ text: String, _ line: Int) {
        do {
            _ = try ConfigLoader.parse(text)
            Issue.record("accepted")
        } catch {
            #expect(error.description.contains("line \(line)"), "\(error)")
        }
    }

    /// Brackets and braces inside strings, comments and inline tables are not taken for structure.
    @Test func bracesInStringsCommentsAndInlineTablesStillLoad() throws {
        let text = [
            "# a comment with [ } and {",
            "[api]",
            #"host_names = ["a}b", 'c]}d', """e"#,
            #"}"""]"#,
            "[downlink]",
            #"keys = { k1 = "B3kzW2o1W5Qv2o5C9y0bYvYc3x8yXW5QnV7Q2o9zS5k" }"#,
        ].joined(separator: "\n")
        // Parsed, not refused by the checks that run first.
        _ = try TOMLReader.table(text)
    }

    /// The keys a config text is refused for (empty when it loads).
    static func refusedKeys(_ text: String) -> Set<String> {
        do {
            _ = try ConfigLoader.parse(text)
            return []
        } catch {
            return Set(error.errors.map(\.key))
        }
    }

    /// A certificate or key on a plain-TCP URL would be silently unused: the operator meant TLS.
    @Test func tlsFilesOnAPlainTCPURLAreRefusedEachByName() throws {
        let directory = try TemporaryDirectory(prefix: "storegate-config-tls")
        defer { directory.remove() }
        for name in ["ca.pem", "client.pem", "client.key"] { try "x".write(toFile: directory.file(name), atomically: true, encoding: .utf8) }
        let files = "cert_file = \"\(directory.file("client.pem"))\"\nkey_file = \"\(directory.file("client.key"))\""
        #expect(Self.refusedKeys("[mqtt]\nurl = \"mqtt://hq.example:1883\"\n" + files) == ["mqtt.cert_file", "mqtt.key_file"])
        let tls = try ConfigLoader.parse("[mqtt]\nurl = \"mqtts://hq.example:8883\"\nca_file = \"\(directory.file("ca.pem"))\"\n" + files)
        #expect(tls.certificateFile == directory.file("client.pem"))
    }

    /// Beyond loopback the API needs HTTPS: both files, readable, the key that of the certificate.
    @Test func theAPIListensBeyondLoopbackOnlyWithACertificateAndItsKey() throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        try pki.issue("api", commonName: "store-gateway", server: true)
        try pki.issue("other", commonName: "another", server: true)
        let listen = "[api]\nlisten = \"0.0.0.0:8790\"\nhost_names = [\"pos-gw.store12.lan\", \"192.168.1.10\"]\n"
        #expect(Self.refusedKeys(listen) == ["api.listen"])
        #expect(Self.refusedKeys(listen + "tls_cert_file = \"\(pki.file("api.pem"))\"") == ["api.tls_key_file"])
        // The wrong key is named, and not repeated as "set the TLS files".
        #expect(Self.refusedKeys(listen + "tls_cert_file = \"\(pki.file("api.pem"))\"\ntls_key_file = \"\(pki.file("other.key"))\"")
                    == ["api.tls_key_file"])
        let config = try ConfigLoader.parse(listen + "tls_cert_file = \"\(pki.file("api.pem"))\"\ntls_key_file = \"\(pki.file("api.key"))\"\n"
                                            + "max_connections = 8\nidle_timeout_seconds = 45")
        #expect(config.api?.tls == APITLSFiles(certificateFile: pki.file("api.pem"), keyFile: pki.file("api.key")))
        #expect(config.api?.hostNames == ["pos-gw.store12.lan", "192.168.1.10"])
        #expect(config.api?.maxConnections == 8)
        #expect(config.api?.idleTimeout == .seconds(45))
    }

    /// The password from a file of its own or from systemd's credential, never twice; over plain TCP it is warned.
    @Test func thePasswordComesFromAFileOrASystemdCredential() throws {
        let directory = try TemporaryDirectory(prefix: "storegate-config-secret")
        defer { directory.remove() }
        try "s3cret\n".write(toFile: directory.file("password"), atomically: true, encoding: .utf8)
        let passwordFile = "password_file = \"\(directory.file("password"))\""
        let fromFile = try ConfigLoader.parse("[mqtt]\nurl = \"mqtts://hq:8883\"\n" + passwordFile)
        #expect(fromFile.password == "s3cret")
        #expect(fromFile.plainTextPasswordWarning == nil)
        #expect(Self.refusedKeys("[mqtt]\npassword = \"a\"\n" + passwordFile) == ["mqtt.password_file"])
        try "from-systemd".write(toFile: directory.file("mqtt-password"), atomically: true, encoding: .utf8)
        let credential = try ConfigLoader.parse("[mqtt]\nurl = \"mqtt://hq:1883\"", credentialsDirectory: directory.path)
        #expect(credential.password == "from-systemd")
        #expect(credential.plainTextPasswordWarning?.contains("plain TCP") == true)
        #expect(try ConfigLoader.parse("[mqtt]\nurl = \"mqtt://hq:1883\"").plainTextPasswordWarning == nil)
    }
}
