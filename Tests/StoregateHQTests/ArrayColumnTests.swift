import Foundation
import Logging
import NIOCore
import PostgresNIO
@testable import StoregateHQ
import StoregateTesting
import Testing

/// The ingest hands every batch column to PostgreSQL as a binary array it writes itself: PostgreSQL reads back
/// each element type as written, non-ASCII and long text included, and an empty column as an empty array.
@Suite struct ArrayColumnTests {
    @Test func everyElementTypeReadsBackAsWritten() async throws {
        let harness = try HQHarness()
        var logger = Logger(label: "hq-test")
        logger.logLevel = .warning
        let database = HQDatabase(configuration: harness.configuration().database, logger: logger)
        let pool = Task { try await database.run() }
        defer { pool.cancel() }
        try await database.waitUntilRunning()

        let texts = ["", "S-001", "上海徐汇店", "receipt 🧾", String(repeating: "long ", count: 2_000)]
        let bigints: [Int64] = [0, -1, Int64.max, Int64.min, 1_780_000_000_000]
        let integers: [Int32] = [0, -1, Int32.max, Int32.min, 20_000]
        let booleans = [true, false, false, true, true]
        let ids = (0..<5).map { _ in UUID() }
        let bytes: [[UInt8]] = [[], [0], [0xff, 0x00, 0x7f], Array(repeating: 0xab, count: 32), Array(0...255)]
        let items = Array(0..<5)
        let rows = try await database.client.query("""
            SELECT t, n, i, b, u, y
            FROM unnest(\(items.column { texts[$0] })::text[], \(items.column { bigints[$0] })::bigint[],
                        \(items.column { integers[$0] })::integer[], \(items.column { booleans[$0] })::boolean[],
                        \(items.column { ids[$0] })::uuid[], \(items.column { bytes[$0] })::bytea[])
                WITH ORDINALITY AS x(t, n, i, b, u, y, k)
            ORDER BY k
            """, logger: logger)
        var index = 0
        for try await (text, bigint, integer, boolean, id, data) in rows.decode((String, Int64, Int32, Bool, UUID, ByteBuffer).self) {
            #expect(text == texts[index])
            #expect(bigint == bigints[index])
            #expect(integer == integers[index])
            #expect(boolean == booleans[index])
            #expect(id == ids[index])
            #expect(Array(data.readableBytesView) == bytes[index])
            index += 1
        }
        #expect(index == 5)

        let empty = try await database.client.query("""
            SELECT cardinality(\(([] as [Int]).column { texts[$0] })::text[]), cardinality(\(([] as [Int]).column { bigints[$0] })::bigint[])
            """, logger: logger)
        for try await (texts, bigints) in empty.decode((Int, Int).self) {
            #expect(texts == 0 && bigints == 0)
        }
    }
}
