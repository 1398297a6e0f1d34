import StoregateTrust
import Synchronization

/// The code-signing key ring, built once and kept until the keys change, so an operation checks its signature
/// without reading the ledger or parsing keys again.
///
/// Every ledger write that changes `trusted_keys` through this process (adding or retiring a key, a downlink `keys`
/// message) bumps the generation after its commit; so does the writer noticing that another process committed
/// (`PRAGMA data_version` moved, as when `storegate ledger keys add` runs next to the daemon).
final class TrustedKeysCache: Sendable {
    private struct Entry {
        var generation: UInt64
        var keys: TrustedKeys
    }

    private let generation = Atomic<UInt64>(0)
    private let entry = Mutex<Entry?>(nil)

    /// The cached ring, or the one `load` builds when the keys changed since it was cached.
    func keys(load: () throws -> TrustedKeys) throws -> TrustedKeys {
        // Read the generation before loading: a change committed while loading leaves the entry stale, to be
        // reloaded by the next call, never the other way round.
        let current = self.generation.load(ordering: .acquiring)
        if let entry = self.entry.withLock({ $0 }), entry.generation == current { return entry.keys }
        let keys = try load()
        self.entry.withLock { $0 = Entry(generation: current, keys: keys) }
        return keys
    }

    /// The keys changed (or may have): the next ``keys(load:)`` reads them again.
    func invalidate() {
        self.generation.add(1, ordering: .releasing)
    }
}
