import Foundation
import GRDB

/// Whether a failed ledger write may well succeed if it is simply tried again later: the disk was full, another
/// connection held the database (`SQLITE_BUSY`/`SQLITE_LOCKED`), an I/O error, no memory. Such a failure says
/// nothing about the request itself, so whoever asked must not be told it was refused for good — a downlink
/// message that failed this way is not acknowledged, and the broker delivers it again.
public enum TransientFailure {
    public static func matches(_ error: any Error) -> Bool {
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_FULL, .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_IOERR, .SQLITE_NOMEM, .SQLITE_CANTOPEN, .SQLITE_PROTOCOL:
                return true
            default:
                return false
            }
        }
        if let error = error as? CocoaError {
            if error.code == .fileWriteOutOfSpace { return true }
            if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError { return Self.matches(underlying) }
            return false
        }
        let error = error as NSError
        guard error.domain == NSPOSIXErrorDomain else { return false }
        return [ENOSPC, EDQUOT, EIO, EAGAIN, EINTR, ENOMEM].contains(Int32(error.code))
    }
}
