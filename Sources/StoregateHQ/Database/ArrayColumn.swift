import Foundation
import NIOCore
import PostgresNIO

/// One column of a batch, as the array parameter an `unnest(…)` reads: written straight into PostgreSQL's binary
/// array form, one element per item of the batch. The ingest's batch writes pass every column this way: a Swift
/// array per column, encoded by postgres-nio element by element, cost about 1 µs of storegate-hq's 16 µs of CPU per
/// event (docs/performance.md, "Ingest, fourth round"). Elsewhere, small arrays are passed as Swift arrays.
struct ArrayColumn<Element: ArrayColumnElement>: PostgresDynamicTypeEncodable {
    private var elements: ByteBuffer
    private var count: Int32 = 0

    /// The column of `transform` over `items`.
    init<Items: Collection>(_ items: Items, _ transform: (Items.Element) -> Element) {
        self.elements = ByteBufferAllocator().buffer(capacity: items.count * Element.typicalSize)
        for item in items {
            transform(item).write(into: &self.elements)
            self.count += 1
        }
    }

    var psqlType: PostgresDataType { Element.arrayType }
    var psqlFormat: PostgresFormat { .binary }

    /// PostgreSQL's binary array: dimensions (0 when empty), a has-NULLs flag, the element type, then per dimension
    /// its length and lower bound, then each element as its length and bytes.
    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        buffer.writeInteger(Int32(self.count == 0 ? 0 : 1))
        buffer.writeInteger(Int32(0))
        buffer.writeInteger(Element.elementType.rawValue)
        guard self.count > 0 else { return }
        buffer.writeInteger(self.count)
        buffer.writeInteger(Int32(1))
        buffer.writeImmutableBuffer(self.elements)
    }
}

extension Collection {
    /// The column of `transform` over the items, for an `unnest(…)`.
    func column<Element: ArrayColumnElement>(_ transform: (Self.Element) -> Element) -> ArrayColumn<Element> {
        ArrayColumn(self, transform)
    }
}

/// A value an ``ArrayColumn`` holds: it writes its length and its binary form.
protocol ArrayColumnElement {
    static var arrayType: PostgresDataType { get }
    static var elementType: PostgresDataType { get }
    /// Bytes per element to reserve up front (length included).
    static var typicalSize: Int { get }
    func write(into buffer: inout ByteBuffer)
}

extension String: ArrayColumnElement {
    static var arrayType: PostgresDataType { .textArray }
    static var elementType: PostgresDataType { .text }
    static var typicalSize: Int { 24 }
    func write(into buffer: inout ByteBuffer) {
        buffer.writeInteger(Int32(self.utf8.count))
        buffer.writeString(self)
    }
}

extension ArrayColumnElement where Self: FixedWidthInteger {
    static var typicalSize: Int { 4 + MemoryLayout<Self>.size }
    func write(into buffer: inout ByteBuffer) {
        buffer.writeInteger(Int32(MemoryLayout<Self>.size))
        buffer.writeInteger(self)
    }
}

extension Int64: ArrayColumnElement {
    static var arrayType: PostgresDataType { .int8Array }
    static var elementType: PostgresDataType { .int8 }
}

extension Int32: ArrayColumnElement {
    static var arrayType: PostgresDataType { .int4Array }
    static var elementType: PostgresDataType { .int4 }
}

extension Bool: ArrayColumnElement {
    static var arrayType: PostgresDataType { .boolArray }
    static var elementType: PostgresDataType { .bool }
    static var typicalSize: Int { 5 }
    func write(into buffer: inout ByteBuffer) {
        buffer.writeInteger(Int32(1))
        buffer.writeInteger(UInt8(self ? 1 : 0))
    }
}

extension UUID: ArrayColumnElement {
    static var arrayType: PostgresDataType { .uuidArray }
    static var elementType: PostgresDataType { .uuid }
    static var typicalSize: Int { 20 }
    func write(into buffer: inout ByteBuffer) {
        buffer.writeInteger(Int32(16))
        withUnsafeBytes(of: self.uuid) { _ = buffer.writeBytes($0) }
    }
}

/// `bytea`.
extension Array: ArrayColumnElement where Element == UInt8 {
    static var arrayType: PostgresDataType { .byteaArray }
    static var elementType: PostgresDataType { .bytea }
    static var typicalSize: Int { 64 }
    func write(into buffer: inout ByteBuffer) {
        buffer.writeInteger(Int32(self.count))
        buffer.writeBytes(self)
    }
}
