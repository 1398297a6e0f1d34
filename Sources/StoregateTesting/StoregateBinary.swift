import Foundation

/// Finds the built `storegate` executable for tests that run the real binary.
public enum StoregateBinary {
    /// `STOREGATE_BIN` if set; otherwise `storegate` in the build directory that holds the test bundle
    /// (`.build/debug/storegatePackageTests.xctest` → `.build/debug/storegate`).
    public static func path() throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["STOREGATE_BIN"], !explicit.isEmpty {
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
                let candidate = current.appendingPathComponent("storegate").path
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
                current = current.deletingLastPathComponent()
            }
        }
        throw BinaryNotFound(searched: candidates.map(\.path))
    }

    public struct BinaryNotFound: Error, CustomStringConvertible {
        public var searched: [String]
        public var description: String {
            "storegate executable not found next to the tests (looked in \(self.searched.joined(separator: ", "))); "
                + "run `swift build` first or set STOREGATE_BIN"
        }
    }
}
