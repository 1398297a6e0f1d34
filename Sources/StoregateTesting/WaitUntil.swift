import Foundation

/// Polls `condition` until it holds, or throws after `seconds`: for states a test can only observe from outside.
public func waitUntil(_ what: String, seconds: Double = 30, _ condition: () throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while try !condition() {
        guard Date() < deadline else { throw ConditionTimeout(what: what) }
        try await Task.sleep(for: .milliseconds(10))
    }
}

public struct ConditionTimeout: Error, CustomStringConvertible {
    public var what: String
    public var description: String { "timed out waiting for \(self.what)" }
}
