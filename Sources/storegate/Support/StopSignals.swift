import Dispatch
import Foundation

/// SIGINT and SIGTERM as an async wait, so `listen` stops its sources cleanly: libusb releases the interfaces and
/// the kernel driver is reattached (a killed process leaves the scanner without a driver until replugged).
final class StopSignals: @unchecked Sendable {
    // The signal sources are only kept alive here, never touched after init.
    private let sources: [any DispatchSourceSignal]
    private let stream: AsyncStream<Int32>

    init() {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        self.stream = stream
        self.sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
    }

    /// Returns when the first signal arrives (or the waiting task is cancelled).
    func wait() async {
        for await _ in self.stream { return }
    }
}
