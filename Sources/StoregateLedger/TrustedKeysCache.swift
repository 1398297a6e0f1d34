import StoregateTrust
import Synchronization

/// The code-signing key ring, built once and kept until the keys change, so an operation checks its signature
/// without reading the keys table or parsing keys again.
///
/// Two things make it stale: a ledger write through this process that changes `trusted_keys` (adding or retiring a
/// key, a downlink `keys` message) bumps the generation after its commit; and another process's commit (as when
/// `storegate ledger keys add` runs next to the daemon) moves the writer's `PRAGMA data_version`, which every
/// lookup compares with the one the ring was built under.
final class TrustedKeysCache: Sendable {
    private struct Entry {
        var generation: UInt64
        var dataVersion: Int64
        var keys: TrustedKeys
    }

    private let generation = Atomic<UInt64>(0)
    private let entry = Mutex<Entry?>(nil)

    /// The cached ring, or the one `load` builds when the keys changed (or may have) since it was cached.
    /// `dataVersion`: the writer's `PRAGMA data_version` now.
    func keys(dataVersion: Int64, load: () throws -> TrustedKeys) throws -> TrustedKeys {
        // Read the generation before loading: a change committed while loading leaves the entry stale, to be
        // reloaded by the next call, never the other way round.
        let current = self.generation.load(ordering: .acquiring)
        if let entry = self.entry.withLock({ $0 }), entry.generation == current, entry.dataVersion == dataVersion {
            return entry.keys
        }
        let keys = try load()
        self.entry.withLock { $0 = Entry(generation: current, dataVersion: dataVersion, keys: keys) }
        return keys
    }

    /// The keys changed (or may have): the next ``keys(dataVersion:load:)`` reads them again.
    func invalidate() {
        self.generation.add(1, ordering: .releasing)
    }
}
