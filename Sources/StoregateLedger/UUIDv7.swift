import StoregateFoundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// UUID version 7 (RFC 9562): 48-bit Unix milliseconds then random bits, so event ids sort by time.
enum UUIDv7 {
    private static let random = RandomBytes()

    static func make(milliseconds: Int64) -> String {
        let ms = UInt64(bitPattern: milliseconds)
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { bytes in
            for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: ms >> UInt64(8 * (5 - index))) }
            Self.random.fill(UnsafeMutableBufferPointer(rebasing: bytes[6...]))
            bytes[6] = (bytes[6] & 0x0F) | 0x70  // version 7
            bytes[8] = (bytes[8] & 0x3F) | 0x80  // variant 10
            return String(unsafeUninitializedCapacity: 36) { out in
                var position = 0
                for index in 0..<16 {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        out[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    out[position] = Hex.digit(bytes[index] >> 4)
                    out[position + 1] = Hex.digit(bytes[index] & 0x0F)
                    position += 2
                }
                return position
            }
        }
    }
}

/// Bytes from the system's CSPRNG (`arc4random_buf`, i.e. `getrandom`), fetched 4 KiB at a time.
/// `SystemRandomNumberGenerator` makes one system call per 8 bytes: two per journal event. The bytes are unique
/// per process only as long as it does not fork without exec (storegate never does).
final class RandomBytes: Sendable {
    private struct Pool {
        var bytes = [UInt8](repeating: 0, count: 4096)
        var next = 4096
    }

    private let pool = Mutex(Pool())

    func fill(_ out: UnsafeMutableBufferPointer<UInt8>) {
        self.pool.withLock { pool in
            for index in out.indices {
                if pool.next == pool.bytes.count {
                    pool.bytes.withUnsafeMutableBytes { arc4random_buf($0.baseAddress!, $0.count) }
                    pool.next = 0
                }
                out[index] = pool.bytes[pool.next]
                pool.next += 1
            }
        }
    }
}
