/// Text and blobs bound to the writer's prepared statements during one transaction, copied here once and bound
/// with `SQLITE_STATIC`. With `SQLITE_TRANSIENT` SQLite allocates, copies and later frees each of a redemption's
/// ~20 values itself; that was twice the C reference's binding cost (which binds its own buffers as static).
///
/// What ``copy(_:)`` returns stays valid until ``release()``, which ``WriterStatements`` calls when the next
/// transaction starts; by then every statement that pointed here has been stepped and reset, and each one binds
/// all its parameters again before it is stepped again. The buffer is allocated once and never moves, so no
/// pointer already bound is invalidated. A value that does not fit in what is left is not copied: the caller binds
/// it `SQLITE_TRANSIENT`. A redemption binds about 1 KiB; a list of chunks grown on demand cost more per value
/// (its bookkeeping and exclusivity checks) than the copy itself.
final class BoundBytes {
    private static let capacity = 16 * 1024
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: BoundBytes.capacity, alignment: 8)
    /// Bytes used since the last ``release()``.
    private var used = 0

    /// A stable copy of `bytes`, or nil when they are empty or do not fit.
    func copy(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawPointer? {
        guard let source = bytes.baseAddress, !bytes.isEmpty, bytes.count <= self.buffer.count - self.used else { return nil }
        let destination = self.buffer.baseAddress! + self.used
        destination.copyMemory(from: source, byteCount: bytes.count)
        self.used += bytes.count
        return UnsafeRawPointer(destination)
    }

    /// Makes the space reusable.
    func release() {
        self.used = 0
    }

    deinit {
        self.buffer.deallocate()
    }
}
