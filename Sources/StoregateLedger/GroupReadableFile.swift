import Foundation

/// Writes a whole small file (the daemon's status file) readable by its owner and group only, replaced
/// atomically so a reader never sees half of it.
///
/// Foundation's atomic write creates the file with the process umask (0644 for a technician's shell): the status
/// names the store, its broker and its backlog, which are the storegate group's business. Here with the ledger's
/// files, because the MQTT link and the daemon both write through it and both depend on this module.
public enum GroupReadableFile {
    static let mode: mode_t = 0o640

    public static func write(_ bytes: [UInt8], to path: String) throws {
        let temporary = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, Self.mode)
        guard descriptor >= 0 else { throw Self.error("cannot create \(temporary)", errno: errno) }
        var failure: Int32?
        bytes.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                let result = Foundation.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                written += result
            }
        }
        close(descriptor)
        if let failure {
            unlink(temporary)
            throw Self.error("cannot write \(temporary)", errno: failure)
        }
        guard rename(temporary, path) == 0 else {
            let failure = errno
            unlink(temporary)
            throw Self.error("cannot replace \(path)", errno: failure)
        }
    }

    private static func error(_ message: String, errno: Int32) -> LedgerError {
        LedgerError(.invalidValue, "\(message): \(String(cString: strerror(errno))); check that the directory exists and "
            + "that storegate may write there")
    }
}
