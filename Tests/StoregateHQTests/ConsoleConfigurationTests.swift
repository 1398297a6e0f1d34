import StoregateConfig
import StoregateHQ
import Testing

/// `[console]` in hq.toml: the listen address is checked and named in the error.
struct ConsoleConfigurationTests {
    @Test func theConsoleIsOffUnlessListenIsSetAndABadAddressIsNamed() throws {
        #expect(try HQConfigLoader.parse("").console.listen == nil)
        let configuration = try HQConfigLoader.parse("[console]\nlisten = \"127.0.0.1:8480\"\nsession_hours = 8\nsecure_cookies = true\n")
        #expect(configuration.console.listen == "127.0.0.1:8480" && configuration.console.sessionHours == 8 && configuration.console.cookiesSecure)
        #expect(ListenAddress("[::1]:8480")?.host == "::1" && ListenAddress("[::1]:8480")?.description == "[::1]:8480")
        for bad in ["8480", "localhost:99999", ":8480", "host:port"] {
            #expect(throws: ConfigErrors.self) { try HQConfigLoader.parse("[console]\nlisten = \"\(bad)\"\n") }
            do {
                _ = try HQConfigLoader.parse("[console]\nlisten = \"\(bad)\"\n")
            } catch {
                #expect("\(error)".contains("console.listen"), "\(error)")
            }
        }
        #expect(throws: ConfigErrors.self) { try HQConfigLoader.parse("[console]\nport = 8480\n") }
    }

    @Test func cookiesAreSecureUnlessPlainHTTPIsDeclared() throws {
        #expect(try HQConfigLoader.parse("").console.cookiesSecure)
        #expect(try HQConfigLoader.parse("[console]\norigin = \"https://hq.example.cn\"\n").console.cookiesSecure)
        let plain = try HQConfigLoader.parse("[console]\norigin = \"http://10.0.0.5:8480\"\n").console
        #expect(!plain.cookiesSecure && plain.origin == "http://10.0.0.5:8480")
        #expect(try !HQConfigLoader.parse("[console]\nsecure_cookies = false\n").console.cookiesSecure)
        #expect(try HQConfigLoader.parse("[console]\norigin = \"http://hq\"\nsecure_cookies = true\n").console.cookiesSecure)
        for bad in ["hq.example.cn", "ftp://hq", "https://hq/console", "https://"] {
            do {
                _ = try HQConfigLoader.parse("[console]\norigin = \"\(bad)\"\n")
                Issue.record("\(bad) was accepted")
            } catch {
                #expect("\(error)".contains("console.origin"), "\(error)")
            }
        }
    }

    @Test func trustedProxiesAreIPAddressesInOneSpelling() throws {
        #expect(try HQConfigLoader.parse("").console.trustedProxies.isEmpty)
        let proxies = try HQConfigLoader.parse("[console]\ntrusted_proxies = [\"10.0.0.5\", \"0:0:0:0:0:0:0:1\"]\n").console.trustedProxies
        #expect(proxies == ["10.0.0.5", "::1"])
        for bad in ["[\"proxy.local\"]", "[\"10.0.0.5/24\"]", "\"10.0.0.5\"", "[\"\"]"] {
            do {
                _ = try HQConfigLoader.parse("[console]\ntrusted_proxies = \(bad)\n")
                Issue.record("\(bad) was accepted")
            } catch {
                #expect("\(error)".contains("console.trusted_proxies"), "\(error)")
            }
        }
    }
}
