import Foundation
import StoregateConfig
import StoregateDaemon
import StoregateTesting
import Testing

/// `storegate export epcis`'s refusals: each says what is wrong, exits 2 and writes nothing.
@Suite struct EPCISExportCommandTests {
    /// Runs the export with `--out` onto a file holding "before", and checks it refused with `message` and left the
    /// file alone.
    static func expectRefusal(_ store: EPCISStore, _ arguments: [String], _ message: String) throws {
        let out = store.directory.file("refused.jsonld")
        try "before".write(toFile: out, atomically: true, encoding: .utf8)
        let result = try store.export(arguments + ["--out", out])
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "before")
    }

    @Test func badTimesAreRefused() throws {
        let store = try EPCISStore()
        defer { store.remove() }
        let day = ["--to", "2026-12-06T00:00:00+08:00"]
        try Self.expectRefusal(store, ["--from", "2026-13-01T00:00:00Z"] + day, "--from 2026-13-01T00:00:00Z is not an ISO 8601 date-time")
        try Self.expectRefusal(store, ["--from", "yesterday"] + day, "--from yesterday is not an ISO 8601 date-time")
        try Self.expectRefusal(store, ["--from", "2026-12-05T00:00:00"] + day, "is not an ISO 8601 date-time with its zone")
        try Self.expectRefusal(store, ["--from", "2026-12-05T00:00:00+08:00", "--to", "2026-12-05"], "--to 2026-12-05 is not")
        try Self.expectRefusal(store, ["--from", "2026-12-06T00:00:00+08:00"] + day, "--from 2026-12-06T00:00:00+08:00 is not before --to")
        // The same instant in two zones is an empty period, refused as well.
        try Self.expectRefusal(store, ["--from", "2026-12-05T16:00:00Z"] + day, "is not before --to")
    }

    @Test func aMissingOrInvalidGLNIsAConfigError() throws {
        let period = ["--from", "2026-12-05T00:00:00+08:00", "--to", "2026-12-06T00:00:00+08:00"]
        // The config file's [store] table (nil: none), and what the refusal says.
        let cases: [(String?, String)] = [
            (nil, "config key store.gln: not set"),
            ("gln = \"9506000134377\"", "config key store.gln: 9506000134377 is not a GLN: its check digit should be 6"),
            ("gln = \"950600013437\"", "config key store.gln: 950600013437 is not a GLN: a GLN is 13 digits"),
            ("gln = \"\(EPCISStore.gln)\"\nread_point_extension = \"till #1\"",
             "config key store.read_point_extension: till #1 is not a GLN extension"),
            ("gln = \"\(EPCISStore.gln)\"\nsgln = \"x\"", "config key store.sgln: unknown key"),
        ]
        for (section, message) in cases {
            let store = try EPCISStore(storeSection: section)
            defer { store.remove() }
            try Self.expectRefusal(store, period, message)
        }
    }

    /// `[store]` is part of the daemon's configuration: `storegate run` and `config check` read and check it too.
    @Test func theDaemonsConfigLoaderReadsTheStoreSection() throws {
        let config = try ConfigLoader.parse("[store]\ngln = \"\(EPCISStore.gln)\"\nread_point_extension = \"tills\"\n")
        #expect(config.store == StoreSettings(gln: EPCISStore.gln, readPointExtension: "tills"))
        #expect(throws: ConfigErrors.self) { try ConfigLoader.parse("[store]\ngln = \"1234567890123\"\n") }
        let store = try EPCISStore()
        defer { store.remove() }
        let check = try StoregateCommand.run(["config", "check", store.config])
        #expect(check.status == 0, "\(check.stderr)")
    }
}
