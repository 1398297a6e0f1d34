import Foundation

/// Reads a file in fixed-size chunks so an import of any size uses constant memory.
final class ByteChunkReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var index = 0
    private var atEnd = false
    private let chunkSize: Int

    init(path: String, chunkSize: Int = 1 << 20) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw LedgerError(.importFailed, "cannot read \(path): no such file or no permission")
        }
        self.handle = handle
        self.chunkSize = chunkSize
    }

    deinit {
        try? self.handle.close()
    }

    /// The next byte, or nil at the end of the file.
    @inline(__always)
    func next() throws -> UInt8? {
        if self.index == self.buffer.count {
            guard !self.atEnd else { return nil }
            guard let data = try self.handle.read(upToCount: self.chunkSize), !data.isEmpty else {
                self.atEnd = true
                return nil
            }
            self.buffer = [UInt8](data)
            self.index = 0
        }
        let byte = self.buffer[self.index]
        self.index += 1
        return byte
    }
}
