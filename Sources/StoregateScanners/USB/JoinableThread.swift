#if canImport(Glibc)
internal import Glibc
#endif

/// A plain POSIX thread that can be joined: blocking C event loops (libusb) run on one of these, never on the
/// Swift concurrency pool, and the owner waits for it to finish before freeing what it uses.
final class JoinableThread: @unchecked Sendable {
    // `thread` is written once in start() before any other thread can see this object, read once in join().
    private var thread = pthread_t()
    private var joined = false

    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// Starts `body` on a new thread.
    init(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        let result = pthread_create(&self.thread, nil, { argument in
            guard let argument else { return nil }
            let body = Unmanaged<Body>.fromOpaque(argument).takeRetainedValue()
            body.run()
            return nil
        }, box)
        if result != 0 {
            // No thread: run nothing, release the body; join() returns at once.
            Unmanaged<Body>.fromOpaque(box).release()
            self.joined = true
        }
    }

    /// Waits for the thread to end. Call once, from another thread.
    func join() {
        guard !self.joined else { return }
        self.joined = true
        pthread_join(self.thread, nil)
    }
}
