import Foundation
import Logging
import PostgresNIO
import StoregateContract
import StoregateCore
import StoregateFoundation

/// Issues a batch of unit codes for a GTIN and distributes it over the signed downlink to every store of a region:
/// the batch and its codes are recorded, and each store gets the codes as `codes` messages (at most
/// ``codesPerMessage`` each, under the 8 MiB downlink limit) written in the same transaction. Each message is
/// tracked per store until the store's gateway reports it; the jobs send again what is not reported.
public struct CodeBatchIssuer: Sendable {
    public static let codesPerMessage = 5_000

    public struct Request: Sendable {
        public var gtin: String
        public var count: Int
        public var campaign: String?
        public var region: String
        public var product: String?

        public init(gtin: String, count: Int, campaign: String?, region: String, product: String? = nil) {
            self.gtin = gtin
            self.count = count
            self.campaign = campaign
            self.region = region
            self.product = product
        }
    }

    public struct Issued: Sendable {
        public var batchID: String
        public var codes: [String]
        public var stores: [String]
        public var messages: Int
    }

    let database: HQDatabase
    let downlink: DownlinkOutbox

    public init(database: HQDatabase, configuration: HQConfiguration) throws(HQError) {
        guard let signer = try HQApplication.signer(configuration) else {
            throw HQError("codes issue needs the downlink signing key: set [downlink] key_id and key_file")
        }
        self.database = database
        self.downlink = DownlinkOutbox(signer: signer)
    }

    /// Checks the request: a valid GTIN-14 (check digit), a count of 1…1,000,000.
    public static func check(_ request: Request) throws(HQError) {
        guard request.gtin.utf8.count == 14, GS1CheckDigits.isValidMod10(Array(request.gtin.utf8)) else {
            throw HQError("--gtin \(request.gtin): not a GTIN-14 with a valid check digit")
        }
        guard (1...1_000_000).contains(request.count) else { throw HQError("--count \(request.count): issue 1 to 1,000,000 codes at a time") }
        guard !request.region.isEmpty else { throw HQError("--region must name the stores' region") }
    }

    public func issue(_ request: Request) async throws -> Issued {
        try Self.check(request)
        let now = Timestamp.now.milliseconds
        let batchID = "B\(now)-\(Self.randomSerial(length: 6))"
        let codes = (0..<request.count).map { _ in "01/\(request.gtin)/21/\(Self.randomSerial(length: 12))" }
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            try await connection.query("""
                INSERT INTO code_batches (batch_id, gtin, campaign, region, count, key_id, issued_ms)
                VALUES (\(batchID), \(request.gtin), \(request.campaign ?? ""), \(request.region), \(request.count),
                        \(self.downlink.signer.keyID), \(now))
                """, logger: logger)
            try await connection.query("""
                INSERT INTO batch_codes (code, batch_id) SELECT c, \(batchID) FROM unnest(\(codes)::text[]) AS u(c)
                """, logger: logger)
            var stores: [String] = []
            for try await store in try await connection.query(
                "SELECT store_id FROM stores WHERE region = \(request.region) ORDER BY store_id", logger: logger).decode(String.self) {
                stores.append(store)
            }
            var messages = 0
            for store in stores {
                for start in stride(from: 0, to: codes.count, by: Self.codesPerMessage) {
                    let chunk = codes[start..<min(start + Self.codesPerMessage, codes.count)]
                    var body = DownlinkBody()
                    body.codes = chunk.map {
                        DownlinkBody.Code(code: $0, product: request.product, campaign: request.campaign, regions: [request.region])
                    }
                    let sent = try await self.downlink.enqueue(kind: "codes", target: store, body: body, on: connection, now: now, logger: logger)
                    try await connection.query("""
                        INSERT INTO batch_distribution (batch_id, store_id, stream, seq, codes, sent_ms, updated_ms)
                        VALUES (\(batchID), \(store), \(sent.stream), \(sent.seq), \(chunk.count), \(now), \(now))
                        """, logger: logger)
                    messages += 1
                }
            }
            return Issued(batchID: batchID, codes: codes, stores: stores, messages: messages)
        }
    }

    /// Serials from an alphabet without look-alikes (no 0/O, 1/I/L), as printed under caps.
    static func randomSerial(length: Int) -> String {
        let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }
}
