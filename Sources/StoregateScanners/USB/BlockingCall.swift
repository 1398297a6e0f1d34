#if canImport(Glibc)
internal import Glibc
#endif

/// Runs a blocking libusb step (enumerating and opening devices, waiting for cancelled transfers to come back,
/// releasing an interface) on a thread of its own and suspends the calling task until it is done. A scanner's task
/// runs on Swift's cooperative pool, one thread per core: blocking there for the hundreds of milliseconds a USB
/// open or stop can take would stall every other scanner, the API and the HQ link with it.
enum BlockingCall {
    static func run<T: Sendable, E: Error>(_ body: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            DetachedThread.start {
                do throws(E) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }
}

/// A POSIX thread nobody joins: it ends when its body returns and the system reclaims it.
private enum DetachedThread {
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    static func start(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { argument in
            guard let argument else { return nil }
            Unmanaged<Body>.fromOpaque(argument).takeRetainedValue().run()
            return nil
        }, box)
        if result == 0 {
            pthread_detach(thread)
        } else {
            // No thread could be made: run it here rather than never.
            Unmanaged<Body>.fromOpaque(box).takeRetainedValue().run()
        }
    }
}
