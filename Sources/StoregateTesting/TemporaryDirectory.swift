import Foundation

/// A fresh directory under the system temp dir, removed by ``remove()`` (call it in `defer`).
public struct TemporaryDirectory: Sendable {
    public let path: String

    public init(prefix: String = "storegate-test") throws {
        let base = FileManager.default.temporaryDirectory.path
        let path = "\(base)/\(prefix)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        self.path = path
    }

    /// A path inside the directory.
    public func file(_ name: String) -> String {
        "\(self.path)/\(name)"
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: self.path)
    }
}
