import Foundation

/// Polls `condition` every `interval` until it holds, or throws after `seconds`: for states a test can only
/// observe from outside (a condition that runs a process, such as a psql query, wants a longer interval).
public func waitUntil(_ what: String, seconds: Double = 30, interval: Duration = .milliseconds(10),
                      _ condition: () throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while try !condition() {
        guard Date() < deadline else { throw ConditionTimeout(what: what) }
        try await Task.sleep(for: interval)
    }
}

public struct ConditionTimeout: Error, CustomStringConvertible {
    public var what: String
    public var description: String { "timed out waiting for \(self.what)" }
}
