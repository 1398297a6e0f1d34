import Synchronization

/// A value read from the ledger (the code-signing key ring, the API tokens), built once and kept until what it was
/// read from changes, so the hot path (every operation, every API request) reads no table.
///
/// Two things make it stale: a ledger write through this process that changes the table bumps the generation after
/// its commit (``invalidate()``); and another process's commit (as when `storegate ledger keys add` or
/// `storegate api token revoke` runs next to the daemon) moves the writer's `PRAGMA data_version`, which every
/// lookup compares with the one the value was built under.
final class DataVersionCache<Value: Sendable>: Sendable {
    private struct Entry {
        var generation: UInt64
        var dataVersion: Int64
        var value: Value
    }

    private let generation = Atomic<UInt64>(0)
    private let entry = Mutex<Entry?>(nil)

    /// The cached value, or the one `load` builds when the table changed (or may have) since it was cached.
    /// `dataVersion`: the writer's `PRAGMA data_version` now.
    func value(dataVersion: Int64, load: () throws -> Value) throws -> Value {
        // Read the generation before loading: a change committed while loading leaves the entry stale, to be
        // reloaded by the next call, never the other way round.
        let current = self.generation.load(ordering: .acquiring)
        if let entry = self.entry.withLock({ $0 }), entry.generation == current, entry.dataVersion == dataVersion {
            return entry.value
        }
        let value = try load()
        self.entry.withLock { $0 = Entry(generation: current, dataVersion: dataVersion, value: value) }
        return value
    }

    /// The table changed (or may have): the next ``value(dataVersion:load:)`` reads it again.
    func invalidate() {
        self.generation.add(1, ordering: .releasing)
    }
}
