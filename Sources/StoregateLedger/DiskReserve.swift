import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Free space on the filesystem that holds a path, as an unprivileged process may use it.
public enum DiskSpace {
    /// Bytes available to non-root users (`f_bavail`: the daemon does not run as root, so ext4's root reserve is
    /// not ours); nil when the filesystem cannot be asked.
    public static func available(at path: String) -> Int64? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }
}

/// A preallocated file next to the ledger that is given back to the filesystem when the disk fills up, so that
/// the redemption in hand — and the ones after it, until someone frees space — can still commit.
///
/// The bytes are really allocated (`posix_fallocate`), not a sparse file: a sparse reserve would free nothing.
public struct DiskReserve: Sendable {
    public let path: String
    public let bytes: Int64

    /// The reserve for the ledger at `ledgerPath`: `<ledger>.reserve`.
    public init(ledgerPath: String, bytes: Int64) {
        self.path = ledgerPath + ".reserve"
        self.bytes = bytes
    }

    /// True when the reserve file exists at its full size.
    public var isHeld: Bool {
        var info = stat()
        return stat(self.path, &info) == 0 && Int64(info.st_blocks) * 512 >= self.bytes
    }

    /// Allocates the reserve (idempotent). Throws when the filesystem has no room for it; a half-allocated file
    /// is removed rather than left to look like a reserve.
    public func hold() throws {
        guard self.bytes > 0, !self.isHeld else { return }
        let descriptor = open(self.path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw DiskReserveError(path: self.path, operation: "create", code: errno) }
        defer { close(descriptor) }
        let result = posix_fallocate(descriptor, 0, off_t(self.bytes))
        guard result == 0 else {
            unlink(self.path)
            throw DiskReserveError(path: self.path, operation: "allocate \(self.bytes / 1_048_576) MiB for", code: result)
        }
        guard fsync(descriptor) == 0 else { throw DiskReserveError(path: self.path, operation: "fsync", code: errno) }
    }

    /// Deletes the reserve and returns the bytes it gave back (0 when it was not there).
    @discardableResult
    public func release() -> Int64 {
        var info = stat()
        guard stat(self.path, &info) == 0 else { return 0 }
        guard unlink(self.path) == 0 else { return 0 }
        return Int64(info.st_blocks) * 512
    }
}

public struct DiskReserveError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var operation: String
    public var code: Int32

    public var description: String {
        "cannot \(self.operation) the disk reserve \(self.path): \(String(cString: strerror(self.code)))"
    }
}
