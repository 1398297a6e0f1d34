import Synchronization

/// The one thread that handles libusb events for one ``USBContext``: transfer completions and hot-plug callbacks
/// run on it, never on the Swift concurrency pool.
///
/// A reader attaches its per-round work (ticks, resubmitting, cancelling) with ``attach(_:)``; the work runs on this
/// thread after each round of event handling (at least every 50 ms), so everything a reader does with its transfers
/// happens on one thread. ``stop()`` wakes the thread (libusb_interrupt_event_handler) and joins it.
final class USBEventThread: Sendable {
    let context: USBContext
    private let stopRequested = Atomic<Bool>(false)
    /// Held while the work runs, so ``detach()`` returning means the work is not running and will not run again.
    private let work = Mutex<(@Sendable () -> Void)?>(nil)
    private let thread = Mutex<JoinableThread?>(nil)

    init(context: USBContext) {
        self.context = context
        let thread = JoinableThread { [self] in self.loop() }
        self.thread.withLock { $0 = thread }
    }

    /// Runs `work` on the event thread after every round of event handling until ``detach()``.
    func attach(_ work: @escaping @Sendable () -> Void) {
        self.work.withLock { $0 = work }
        self.context.interruptEventHandler()
    }

    /// Removes the work; when this returns the work is not running.
    func detach() {
        self.work.withLock { $0 = nil }
    }

    /// Wakes the thread so the attached work runs soon.
    func wake() {
        self.context.interruptEventHandler()
    }

    /// Stops the thread and waits for it; safe to call more than once.
    func stop() {
        self.stopRequested.store(true, ordering: .releasing)
        self.context.interruptEventHandler()
        let thread = self.thread.withLock { thread in
            defer { thread = nil }
            return thread
        }
        thread?.join()
    }

    private func loop() {
        while !self.stopRequested.load(ordering: .acquiring) {
            self.context.handleEvents(timeoutMilliseconds: 50)
            self.work.withLock { work in work?() }
        }
    }
}
