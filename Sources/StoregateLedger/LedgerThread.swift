import Foundation
import Synchronization

/// The thread on which async code's ledger calls run, one at a time, each resuming its caller's continuation with
/// the result. An fsync'd commit, `statvfs` or a prune then blocks this thread, never one of Swift's cooperative
/// pool (one thread per core: two callers blocked in SQLite would stall every task of the process). GRDB's own
/// async `write` was measured up to 2× slower per transaction than the blocking call (FACTS.md), so the blocking
/// call is what runs here. The thread starts with the first call and ends once its ledger is dropped.
final class LedgerThread: Sendable {
    /// What the thread and the submitters share; the thread holds only this, so dropping the ledger ends it.
    private final class Queue: Sendable {
        struct State {
            var jobs: [@Sendable () -> Void] = []
            var started = false
            var stopping = false
        }

        let state = Mutex(State())
        /// One signal per job, and one to stop.
        let signals = DispatchSemaphore(value: 0)

        func loop() {
            while true {
                self.signals.wait()
                let next = self.state.withLock { state -> (@Sendable () -> Void)? in
                    state.jobs.isEmpty ? nil : state.jobs.removeFirst()
                }
                if let next {
                    next()
                } else if self.state.withLock({ $0.stopping }) {
                    return
                }
            }
        }
    }

    private let queue = Queue()
    private let name: String

    init(name: String) {
        self.name = name
    }

    deinit {
        self.queue.state.withLock { $0.stopping = true }
        self.queue.signals.signal()
    }

    /// Runs `body` on the thread and returns (or throws) what it did.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            self.submit { continuation.resume(with: Result { try body() }) }
        }
    }

    private func submit(_ job: @escaping @Sendable () -> Void) {
        let start = self.queue.state.withLock { state -> Bool in
            state.jobs.append(job)
            defer { state.started = true }
            return !state.started
        }
        if start {
            let queue = self.queue
            let thread = Thread { queue.loop() }
            thread.name = self.name
            thread.start()
        }
        self.queue.signals.signal()
    }
}
