import StoregateConfig
import Foundation
import StoregateCore
import StoregateDaemon
import StoregateFoundation
import StoregateLedger

/// What the checks of `storegate doctor` share: the configuration as the daemon would see it, what loading it
/// found, the ledger opened once, and the command's options.
struct DoctorContext: Sendable {
    /// How reading the config file went; when it was missing or invalid the other checks use the defaults (with
    /// the command line's overrides), which is what the config check says.
    enum ConfigSource: Sendable {
        case loaded(path: String)
        case missing(path: String)
        case invalid(path: String, ConfigErrors)
    }

    var configuration: DaemonConfiguration
    var configSource: ConfigSource
    var ledger: LedgerOpening
    /// How long the broker check waits for a CONNACK.
    var timeout: Duration
    /// Run the checks that read the whole ledger file.
    var deep: Bool
    /// Milliseconds since the epoch when the doctor started: every age is measured from it.
    var now: Int64

    init(configPath: String, overrides: ConfigOverrides, timeout: Duration, deep: Bool) {
        var configuration = DaemonConfiguration()
        if !FileManager.default.fileExists(atPath: configPath) {
            self.configSource = .missing(path: configPath)
        } else {
            do {
                configuration = try ConfigLoader.load(path: configPath)
                self.configSource = .loaded(path: configPath)
            } catch {
                self.configSource = .invalid(path: configPath, error)
            }
        }
        overrides.apply(to: &configuration)
        self.configuration = configuration
        self.ledger = LedgerOpening(path: configuration.databasePath)
        self.timeout = timeout
        self.deep = deep
        self.now = Timestamp.now.milliseconds
    }

    /// The command that creates the configured ledger, for fixes.
    var ledgerInitCommand: String {
        "storegate ledger init --db \(self.configuration.databasePath) --store-id \(self.configuration.storeID ?? "STORE") "
            + "--region REGION"
    }

    /// `--db PATH`, for the fixes that name another storegate command.
    var dbArgument: String { "--db \(self.configuration.databasePath)" }
}

/// The ledger, opened once for all checks, or why it could not be.
enum LedgerOpening: Sendable {
    case missing
    /// Not a usable ledger (not SQLite, damaged, refused its durability settings): SQLite's or the ledger's words.
    case unusable(String)
    /// `schemaBefore` is the schema as found, read before opening migrated it.
    case opened(Ledger, schemaBefore: LedgerSchemaState)

    init(path: String) {
        guard FileManager.default.fileExists(atPath: path) else {
            self = .missing
            return
        }
        do {
            let schema = try LedgerSchemaState(path: path)
            self = .opened(try Ledger(path: path), schemaBefore: schema)
        } catch {
            self = .unusable("\(error)")
        }
    }

    var ledger: Ledger? {
        if case .opened(let ledger, _) = self { return ledger }
        return nil
    }
}
