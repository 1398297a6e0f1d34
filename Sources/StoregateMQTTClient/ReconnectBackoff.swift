/// Exponential backoff with full jitter between reconnect attempts: thousands of stores that lost the same
/// broker must not come back in lockstep.
public struct ReconnectBackoff: Sendable, Equatable {
    public var initialMilliseconds: Int
    public var maximumMilliseconds: Int
    private(set) var attempt = 0

    public init(initialMilliseconds: Int = 500, maximumMilliseconds: Int = 30_000) {
        self.initialMilliseconds = max(1, initialMilliseconds)
        self.maximumMilliseconds = max(self.initialMilliseconds, maximumMilliseconds)
    }

    /// The delay before the next attempt: uniform in [ceiling/2, ceiling], the ceiling doubling per failure.
    public mutating func nextDelayMilliseconds<G: RandomNumberGenerator>(using generator: inout G) -> Int {
        let shift = min(self.attempt, 20)
        let ceiling = min(self.maximumMilliseconds, self.initialMilliseconds << shift)
        self.attempt += 1
        return Int.random(in: (ceiling / 2)...ceiling, using: &generator)
    }

    public mutating func nextDelayMilliseconds() -> Int {
        var generator = SystemRandomNumberGenerator()
        return self.nextDelayMilliseconds(using: &generator)
    }

    /// After a successful CONNACK the next loss starts from the initial delay again.
    public mutating func reset() {
        self.attempt = 0
    }
}
