import Logging
import PostgresNIO
import StoregateHQ
import Synchronization

/// What wakes the live pages: a counter bumped by every `NOTIFY storegate_events_stored` (each ingest batch that
/// stored events, from any instance, on commit), heard on one connection this console keeps listening. A live
/// stream refreshes when the counter moved (checked every `tick`), and at least every `refresh` (alerts and
/// acknowledgements are not notified; `fallback` while the listener is down).
final class LiveTicker: Sendable {
    private struct State {
        var generation = 0
        var listening = false
    }
    private let state = Mutex(State())
    let tick: Duration = .milliseconds(200)
    let refresh: Duration = .seconds(5)
    let fallback: Duration

    init(fallback: Duration) { self.fallback = fallback }

    var generation: Int { self.state.withLock { $0.generation } }

    /// How long a stream may go without a refresh now.
    var maximumAge: Duration { self.state.withLock { $0.listening } ? self.refresh : self.fallback }

    /// Listens until cancelled; after a lost connection, listens again a second later.
    func listen(_ database: HQDatabase, logger: Logger) async {
        while !Task.isCancelled {
            do {
                try await database.client.withConnection { connection in
                    try await connection.listen(on: HQNotifications.eventsStored) { notifications in
                        self.state.withLock { $0.listening = true }
                        for try await _ in notifications { self.state.withLock { $0.generation &+= 1 } }
                    }
                }
            } catch where !Task.isCancelled {
                logger.warning("console: not listening for new events (live pages refresh every \(self.fallback)): \(error)")
            } catch {}
            self.state.withLock { $0.listening = false }
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
