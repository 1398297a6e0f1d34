import Foundation

/// Runs blocking work (a socket read, waiting for a child process) on a thread of its own while the calling task is
/// suspended: a test blocked on an answer must not hold one of the cooperative pool's few threads (two on a
/// two-core machine) that the server under test needs to produce that answer.
public func offThePool<Value: Sendable>(_ name: String = "test-blocking", _ body: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.name = name
        thread.start()
    }
}
