import Foundation
public import StoregateConfig
import StoregateCore
public import StoregateDaemon
import StoregateFoundation
import StoregateLedger
import StoregateScanners

/// What the checks of `storegate doctor` share: the configuration as the daemon would see it, what loading it
/// found, the ledger opened once, and the command's options.
public struct DoctorContext: Sendable {
    /// How reading the config file went; when it was missing or invalid the other checks use the defaults (with
    /// the command line's overrides), which is what the config check says.
    public enum ConfigSource: Sendable {
        case loaded(path: String)
        case missing(path: String)
        case invalid(path: String, ConfigErrors)
    }

    public var configuration: DaemonConfiguration
    public var configSource: ConfigSource
    var ledger: LedgerOpening
    /// How long the broker check waits for a CONNACK.
    public var timeout: Duration
    /// Run the checks that read the whole ledger file.
    public var deep: Bool
    /// Milliseconds since the epoch when the doctor started: every age is measured from it.
    public var now: Int64
    /// Where keyboard pass-through makes its virtual keyboard.
    public var uinputPath = UInputKeyboard.defaultPath

    /// Reads the config at `configPath` (or notes that it is missing or invalid), applies the command line's
    /// `overrides` and opens the configured ledger read-only.
    public init(configPath: String, overrides: (inout DaemonConfiguration) -> Void = { _ in }, timeout: Duration,
                deep: Bool) {
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
        overrides(&configuration)
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

/// The ledger, opened once for all checks, or why it could not be. The doctor only looks: it opens the ledger
/// read-only and never migrates it (a ledger of an older schema is reported; `storegate run` migrates it at start).
enum LedgerOpening: Sendable {
    case missing
    /// Not a usable ledger (not SQLite, damaged, refused its durability settings): SQLite's or the ledger's words.
    case unusable(String)
    /// Written by an older storegate: migrations are pending, so this build's queries do not apply to it yet.
    case olderSchema(LedgerSchemaState)
    case opened(Ledger, schema: LedgerSchemaState)

    init(path: String) {
        guard FileManager.default.fileExists(atPath: path) else {
            self = .missing
            return
        }
        do {
            let schema = try LedgerSchemaState(path: path)
            guard schema.pending.isEmpty else {
                self = .olderSchema(schema)
                return
            }
            self = .opened(try Ledger(path: path, configuration: LedgerConfiguration(readOnly: true)), schema: schema)
        } catch {
            self = .unusable("\(error)")
        }
    }

    var ledger: Ledger? {
        if case .opened(let ledger, _) = self { return ledger }
        return nil
    }
}
