import Foundation
import Glibc
import StoregateLedger

/// A real, small filesystem (a size-limited tmpfs mounted on a temporary directory) that a test can fill to the
/// last byte, to see what the gateway does when the disk is full. Needs root, as CI and the test command run.
public struct SmallFilesystem: Sendable {
    public let directory: TemporaryDirectory

    public init(megabytes: Int) throws {
        self.directory = try TemporaryDirectory(prefix: "storegate-smallfs")
        let mount = try ChildProcess(executable: "mount", arguments: ["-t", "tmpfs", "-o", "size=\(megabytes)m", "storegate-test", self.directory.path])
        guard mount.wait(seconds: 30) == 0 else {
            self.directory.remove()
            throw ChildProcess.SpawnError(message: "cannot mount a \(megabytes) MiB tmpfs (exit \(mount.exitCode ?? -1)); the disk-full tests need root")
        }
    }

    public func file(_ name: String) -> String { self.directory.file(name) }

    public var freeBytes: Int64 { DiskSpace.available(at: self.directory.path) ?? 0 }

    /// Adds a filler file so that about `bytes` stay free (0: the filesystem is full to the last block).
    public func fill(leavingFree bytes: Int64) throws {
        let path = self.file("filler-\(UUID().uuidString)")
        let descriptor = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw ChildProcess.SpawnError(message: "cannot create \(path)") }
        defer { close(descriptor) }
        let wanted = self.freeBytes - bytes
        if wanted > 0 && posix_fallocate(descriptor, 0, off_t(wanted)) != 0 {
            throw ChildProcess.SpawnError(message: "cannot allocate \(wanted) bytes in \(path)")
        }
        guard bytes == 0 else { return }
        // The last partial page: write until the filesystem says no.
        var offset = off_t(max(0, wanted))
        let block = [UInt8](repeating: 0, count: 512)
        while pwrite(descriptor, block, block.count, offset) > 0 { offset += off_t(block.count) }
    }

    /// Deletes every filler file.
    public func removeFiller() throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: self.directory.path) where name.hasPrefix("filler-") {
            try FileManager.default.removeItem(atPath: self.file(name))
        }
    }

    public func unmount() {
        _ = try? ChildProcess(executable: "umount", arguments: [self.directory.path]).wait(seconds: 30)
        self.directory.remove()
    }
}
