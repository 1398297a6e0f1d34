import Synchronization

/// A value shared between a test and the tasks it starts.
public final class LockedBox<Value: Sendable>: Sendable {
    private let state: Mutex<Value>

    public init(_ value: Value) { self.state = Mutex(value) }

    public var value: Value { self.state.withLock { $0 } }
    public func set(_ value: Value) { self.state.withLock { $0 = value } }
    public func update(_ change: (inout Value) -> Void) { self.state.withLock { change(&$0) } }
}
