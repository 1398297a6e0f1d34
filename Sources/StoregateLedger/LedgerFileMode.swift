import Foundation

/// The ledger's files are the storegate group's: redemptions are money, and the journal names lanes and operators.
///
/// SQLite creates a database file 0644 minus the umask, and gives its `-wal` and `-shm` files the database file's
/// mode. So the file is created here first, empty, with 0640 (SQLite takes an empty file for a new database), and
/// an existing ledger that others can read (created before this rule, or by hand) is closed to them when opened.
enum LedgerFileMode {
    static let mode: mode_t = 0o640

    static func prepare(path: String, createIfMissing: Bool) {
        if createIfMissing {
            // O_EXCL: an existing ledger is never truncated; the umask may only make the mode stricter.
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, Self.mode)
            if descriptor >= 0 { close(descriptor) }
        }
        for file in [path, path + "-wal", path + "-shm"] {
            var info = stat()
            guard stat(file, &info) == 0, info.st_mode & 0o007 != 0 else { continue }
            // Best effort: a reader who does not own the file cannot change it and does not have to.
            _ = chmod(file, info.st_mode & 0o770)
        }
    }
}
