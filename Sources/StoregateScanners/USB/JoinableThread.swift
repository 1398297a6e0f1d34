#if canImport(Glibc)
internal import Glibc
#endif
import Synchronization

/// A plain POSIX thread that can be joined: blocking C event loops (libusb) run on one of these, never on the
/// Swift concurrency pool, and the owner waits for it to finish before freeing what it uses.
final class JoinableThread: Sendable {
    /// The thread to join; nil once joined (or when none could be started).
    private let thread: Mutex<pthread_t?>

    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// Starts `body` on a new thread.
    init(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { argument in
            guard let argument else { return nil }
            let body = Unmanaged<Body>.fromOpaque(argument).takeRetainedValue()
            body.run()
            return nil
        }, box)
        if result != 0 {
            // No thread: run nothing, release the body; join() returns at once.
            Unmanaged<Body>.fromOpaque(box).release()
            self.thread = Mutex(nil)
        } else {
            self.thread = Mutex(thread)
        }
    }

    /// Waits for the thread to end. Call once, from another thread.
    func join() {
        guard let thread = self.thread.withLock({ $0.take() }) else { return }
        pthread_join(thread, nil)
    }
}
