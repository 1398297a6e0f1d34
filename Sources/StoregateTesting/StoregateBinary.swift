import Foundation

/// Finds the built executables for tests that run the real binaries.
public enum StoregateBinary {
    /// `STOREGATE_BIN` (for `storegate`) or `STOREGATE_HQ_BIN` (for `storegate-hq`) if set; otherwise the executable
    /// in the build directory that holds the test bundle (`.build/debug/storegatePackageTests.xctest` →
    /// `.build/debug/storegate`).
    public static func path(named name: String = "storegate") throws -> String {
        let variable = name == "storegate" ? "STOREGATE_BIN" : "STOREGATE_HQ_BIN"
        if let explicit = ProcessInfo.processInfo.environment[variable], !explicit.isEmpty {
            return explicit
        }
        var candidates: [URL] = []
        let argument0 = URL(fileURLWithPath: CommandLine.arguments.first ?? "")
        candidates.append(argument0.deletingLastPathComponent())
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(URL(fileURLWithPath: bundle.bundlePath).deletingLastPathComponent())
        }
        for directory in candidates {
            // On Linux the test runner binary itself is inside the build directory; on macOS it is in the bundle.
            var current = directory
            for _ in 0..<4 {
                let candidate = current.appendingPathComponent(name).path
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
                current = current.deletingLastPathComponent()
            }
        }
        throw BinaryNotFound(name: name, searched: candidates.map(\.path))
    }

    public struct BinaryNotFound: Error, CustomStringConvertible {
        public var name: String
        public var searched: [String]
        public var description: String {
            "\(self.name) executable not found next to the tests (looked in \(self.searched.joined(separator: ", "))); "
                + "run `swift build` first or set STOREGATE_BIN"
        }
    }
}
