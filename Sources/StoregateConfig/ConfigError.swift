/// One problem in the configuration: which key, and what is wrong with it and how to fix it.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Dotted key, e.g. `mqtt.port` or `scanner[2].role`; empty for the file as a whole.
    public var key: String
    public var problem: String

    public init(key: String, problem: String) {
        self.key = key
        self.problem = problem
    }

    public var description: String { self.key.isEmpty ? self.problem : "config key \(self.key): \(self.problem)" }
}

/// Every problem found in one configuration (the loader reports them all, not just the first).
public struct ConfigErrors: Error, Sendable, Equatable, CustomStringConvertible {
    public var errors: [ConfigError]

    public init(errors: [ConfigError]) {
        self.errors = errors
    }
    public var description: String { self.errors.map(\.description).joined(separator: "\n") }
}
