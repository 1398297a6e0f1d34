/// Text and blobs bound to the writer's prepared statements during one transaction, copied here once and bound
/// with `SQLITE_STATIC`. With `SQLITE_TRANSIENT` SQLite allocates, copies and later frees each of a redemption's
/// ~20 values itself; that was twice the C reference's binding cost (which binds its own buffers as static).
///
/// What ``copy(_:)`` returns stays valid until ``release()``, which ``WriterStatements`` calls when the next
/// transaction starts; by then every statement that pointed here has been stepped and reset, and each one binds
/// all its parameters again before it is stepped again. Full chunks are kept until then, never moved, so growing
/// never invalidates a pointer already bound.
final class BoundBytes {
    private static let chunkSize = 4096
    private var chunks: [UnsafeMutableRawBufferPointer] = []
    /// Bytes used in the last chunk.
    private var used = 0

    /// A stable copy of `bytes` (not empty).
    func copy(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawPointer {
        precondition(!bytes.isEmpty, "empty values are bound as SQLITE_TRANSIENT, not copied")
        if self.chunks.isEmpty || self.chunks[self.chunks.count - 1].count - self.used < bytes.count {
            self.chunks.append(.allocate(byteCount: max(Self.chunkSize, bytes.count), alignment: 8))
            self.used = 0
        }
        let destination = self.chunks[self.chunks.count - 1].baseAddress! + self.used
        destination.copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        self.used += bytes.count
        return UnsafeRawPointer(destination)
    }

    /// Makes the space reusable; keeps the first chunk, which a redemption (~1 KiB) never outgrows.
    func release() {
        for chunk in self.chunks.dropFirst() { chunk.deallocate() }
        self.chunks.removeSubrange(min(1, self.chunks.count)...)
        self.used = 0
    }

    deinit {
        for chunk in self.chunks { chunk.deallocate() }
    }
}
