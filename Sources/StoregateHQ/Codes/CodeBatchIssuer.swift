import Foundation
import Logging
import PostgresNIO
import StoregateContract
import StoregateCore
import StoregateFoundation

/// Issues a batch of unit codes for a GTIN and distributes it over the signed downlink to every store of a region:
/// the batch and its codes are recorded, and each store gets the codes as `codes` messages (at most
/// ``codesPerMessage`` each, under the 8 MiB downlink limit) written in the same transaction. Each message is
/// tracked per store until the store's gateway reports it; the jobs send again what is not reported. A batch of a
/// campaign also sends each store the campaign's window (a `policy` message), without which a gateway refuses the
/// campaign's codes (`campaign_inactive`).
public struct CodeBatchIssuer: Sendable {
    public static let codesPerMessage = 5_000

    public struct Request: Sendable {
        public var gtin: String
        public var count: Int
        public var campaign: String?
        public var region: String
        public var product: String?
        /// What one redemption of a code costs the brand (the store is reimbursed it), in minor units; 0 when the
        /// codes carry no reward.
        public var rewardMinor: Int64
        /// The campaign's redemption window. For a campaign HQ does not know yet, unset means from now for
        /// ``defaultCampaignDays`` days; for a known one, unset keeps its window.
        public var campaignStartsMs: Int64?
        public var campaignEndsMs: Int64?
        /// The campaign redeems only units the store sold (kept as it is when unset).
        public var soldHereFirst: Bool?

        public init(gtin: String, count: Int, campaign: String?, region: String, product: String? = nil, rewardMinor: Int64 = 0,
                    campaignStartsMs: Int64? = nil, campaignEndsMs: Int64? = nil, soldHereFirst: Bool? = nil) {
            self.gtin = gtin
            self.count = count
            self.campaign = campaign.flatMap { $0.isEmpty ? nil : $0 }
            self.region = region
            self.product = product
            self.rewardMinor = rewardMinor
            self.campaignStartsMs = campaignStartsMs
            self.campaignEndsMs = campaignEndsMs
            self.soldHereFirst = soldHereFirst
        }
    }

    /// A campaign's redemption window as HQ keeps it (`campaigns`) and sends it to the stores.
    public struct CampaignWindow: Sendable, Equatable {
        public var name: String
        public var startsMs: Int64
        public var endsMs: Int64
        public var soldHereFirst: Bool
    }

    /// A new campaign without a window runs this long from its first batch.
    public static let defaultCampaignDays: Int64 = 90

    public struct Issued: Sendable {
        public var batchID: String
        public var codes: [String]
        public var stores: [String]
        public var messages: Int
        /// The campaign's window as sent with the batch (nil without a campaign).
        public var campaign: CampaignWindow?
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

    /// Checks the request: a valid GTIN-14 (check digit), a count of 1…1,000,000, a region, a reward of at most
    /// 1,000,000.00, a campaign name of 1–64 characters without control characters, a window that ends after it starts.
    public static func check(_ request: Request) throws(HQError) {
        guard request.gtin.utf8.count == 14, GS1CheckDigits.isValidMod10(Array(request.gtin.utf8)) else {
            throw HQError("--gtin \(request.gtin): not a GTIN-14 with a valid check digit")
        }
        guard (1...1_000_000).contains(request.count) else { throw HQError("--count \(request.count): issue 1 to 1,000,000 codes at a time") }
        guard !request.region.isEmpty else { throw HQError("--region must name the stores' region") }
        guard (0...100_000_000).contains(request.rewardMinor) else {
            throw HQError("--reward: between 0 and 1000000.00 per redemption")
        }
        if let campaign = request.campaign {
            guard (1...64).contains(campaign.count), !campaign.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw HQError("--campaign \(campaign): 1 to 64 characters, no control characters")
            }
        } else if request.campaignStartsMs != nil || request.campaignEndsMs != nil || request.soldHereFirst != nil {
            throw HQError("--campaign-starts, --campaign-ends and --sold-here-first need --campaign")
        }
        if let starts = request.campaignStartsMs, let ends = request.campaignEndsMs, ends <= starts {
            throw HQError("--campaign-ends must be after --campaign-starts")
        }
    }

    /// An amount in major units as written (`12`, `1.5`, `0.25`) in minor units (hundredths), never through floating
    /// point; nil for anything else.
    public static func minorUnits(_ text: String) -> Int64? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.count <= 9, whole.allSatisfy(\.isASCII), whole.allSatisfy(\.isNumber),
              let units = Int64(whole) else { return nil }
        let fraction = parts.count > 1 ? parts[1] : ""
        guard fraction.count <= 2, fraction.allSatisfy({ $0.isASCII && $0.isNumber }), parts.count == 1 || !fraction.isEmpty else { return nil }
        let cents = Int64(fraction.padding(toLength: 2, withPad: "0", startingAt: 0)) ?? 0
        return units * 100 + cents
    }

    /// A time as written on the command line or in the console's form: `2026-12-01` (midnight UTC),
    /// `2026-12-01T08:00` or a full ISO 8601 time (`2026-12-01T08:00:00+08:00`, `…Z`); nil for anything else.
    public static func milliseconds(_ text: String) -> Int64? {
        let text = text.trimmingCharacters(in: .whitespaces)
        let full = ISO8601DateFormatter()
        if let date = full.date(from: text) { return Int64((date.timeIntervalSince1970 * 1_000).rounded()) }
        let local = DateFormatter()
        local.locale = Locale(identifier: "en_US_POSIX")
        local.timeZone = TimeZone(secondsFromGMT: 0)
        for format in ["yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"] {
            local.dateFormat = format
            if let date = local.date(from: text) { return Int64((date.timeIntervalSince1970 * 1_000).rounded()) }
        }
        return nil
    }

    /// Records the batch and its codes and writes, per store of the region, the campaign's window (a `policy` message,
    /// when the batch has a campaign) and the codes (`codes` messages), all tracked in `batch_distribution`, in one
    /// transaction.
    public func issue(_ request: Request) async throws -> Issued {
        try Self.check(request)
        let now = Timestamp.now.milliseconds
        let batchID = "B\(now)-\(Self.randomSerial(length: 6))"
        let codes = (0..<request.count).map { _ in "01/\(request.gtin)/21/\(Self.randomSerial(length: 12))" }
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            let campaign = try await Self.campaignWindow(request, on: connection, now: now, logger: logger)
            try await connection.query("""
                INSERT INTO code_batches (batch_id, gtin, campaign, region, count, key_id, issued_ms, reward_minor)
                VALUES (\(batchID), \(request.gtin), \(request.campaign ?? ""), \(request.region), \(request.count),
                        \(self.downlink.signer.keyID), \(now), \(request.rewardMinor))
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
            func send(_ kind: String, to store: String, _ body: DownlinkBody, codes: Int) async throws {
                let sent = try await self.downlink.enqueue(kind: kind, target: store, body: body, on: connection, now: now, logger: logger)
                try await connection.query("""
                    INSERT INTO batch_distribution (batch_id, store_id, stream, seq, codes, sent_ms, updated_ms)
                    VALUES (\(batchID), \(store), \(sent.stream), \(sent.seq), \(codes), \(now), \(now))
                    """, logger: logger)
                messages += 1
            }
            for store in stores {
                if let campaign {
                    var body = DownlinkBody()
                    body.campaigns = [DownlinkBody.Campaign(name: campaign.name, startsMs: campaign.startsMs, endsMs: campaign.endsMs,
                                                            soldHereFirst: campaign.soldHereFirst)]
                    try await send("policy", to: store, body, codes: 0)
                }
                for start in stride(from: 0, to: codes.count, by: Self.codesPerMessage) {
                    let chunk = codes[start..<min(start + Self.codesPerMessage, codes.count)]
                    var body = DownlinkBody()
                    body.codes = chunk.map {
                        DownlinkBody.Code(code: $0, product: request.product, campaign: request.campaign, regions: [request.region])
                    }
                    try await send("codes", to: store, body, codes: chunk.count)
                }
            }
            return Issued(batchID: batchID, codes: codes, stores: stores, messages: messages, campaign: campaign)
        }
    }

    /// The campaign's window after this request: a known campaign's, changed by what the request names; a new
    /// campaign's from the request or from now for ``defaultCampaignDays``. Kept in `campaigns`.
    static func campaignWindow(_ request: Request, on connection: PostgresConnection, now: Int64,
                               logger: Logger) async throws -> CampaignWindow? {
        guard let name = request.campaign else { return nil }
        var window = CampaignWindow(name: name, startsMs: now, endsMs: now + Self.defaultCampaignDays * 86_400_000, soldHereFirst: false)
        let rows = try await connection.query(
            "SELECT starts_ms, ends_ms, sold_here_first FROM campaigns WHERE name = \(name) FOR UPDATE", logger: logger)
        for try await (starts, ends, soldHereFirst) in rows.decode((Int64, Int64, Bool).self) {
            window = CampaignWindow(name: name, startsMs: starts, endsMs: ends, soldHereFirst: soldHereFirst)
        }
        if let starts = request.campaignStartsMs { window.startsMs = starts }
        if let ends = request.campaignEndsMs { window.endsMs = ends }
        if let soldHereFirst = request.soldHereFirst { window.soldHereFirst = soldHereFirst }
        guard window.endsMs > window.startsMs else { throw CampaignEndsBeforeItStarts(campaign: name) }
        try await connection.query("""
            INSERT INTO campaigns (name, starts_ms, ends_ms, sold_here_first, created_ms, updated_ms)
            VALUES (\(name), \(window.startsMs), \(window.endsMs), \(window.soldHereFirst), \(now), \(now))
            ON CONFLICT (name) DO UPDATE SET starts_ms = excluded.starts_ms, ends_ms = excluded.ends_ms,
                sold_here_first = excluded.sold_here_first, updated_ms = excluded.updated_ms
            """, logger: logger)
        return window
    }

    /// Serials from an alphabet without look-alikes (no 0/O, 1/I/L), as printed under caps.
    static func randomSerial(length: Int) -> String {
        let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }
}

/// A batch whose campaign window (the campaign's as known, changed by what the request names) would end before it
/// starts: its own error, so that the console can say it in the reader's language.
public struct CampaignEndsBeforeItStarts: Error, Sendable, CustomStringConvertible {
    public let campaign: String
    public var description: String {
        "campaign \(self.campaign) would end before it starts: give --campaign-starts and --campaign-ends"
    }
}
