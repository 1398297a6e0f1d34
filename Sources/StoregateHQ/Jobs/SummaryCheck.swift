import Logging
import PostgresNIO
import StoregateContract

/// Checks each gateway's `sales_summary` against the events HQ stored for its journal range, once the watermark
/// has passed the range (every event of it is here and chain-checked). A disagreement cannot come from a lost event
/// (the watermark rules that out) but from a gateway whose journal and summary differ: it is alerted, and the range
/// is requeued so the gateway sends its events again.
struct SummaryCheck: Sendable {
    let database: HQDatabase
    let downlink: DownlinkOutbox?
    let logger: Logger

    struct Pending: Sendable {
        var store: String
        var gateway: String
        var seq: Int64
        var firstSeq: Int64
        var lastSeq: Int64
    }

    /// Checks up to `limit` summaries whose range is committed; returns how many disagreed.
    @discardableResult
    func run(now: Int64, limit: Int = 100) async throws -> Int {
        let rows = try await self.database.client.query("""
            SELECT s.store_id, s.gateway_id, s.seq, s.first_seq, s.last_seq
            FROM sales_summaries AS s JOIN gateways AS g USING (store_id, gateway_id)
            WHERE s.checked_ms IS NULL AND s.seq <= g.watermark
            ORDER BY s.store_id, s.gateway_id, s.seq LIMIT \(limit)
            """, logger: self.logger)
        var pending: [Pending] = []
        for try await (store, gateway, seq, first, last) in rows.decode((String, String, Int64, Int64, Int64).self) {
            pending.append(Pending(store: store, gateway: gateway, seq: seq, firstSeq: first, lastSeq: last))
        }
        var mismatches = 0
        for summary in pending where try await self.check(summary, now: now) == false { mismatches += 1 }
        return mismatches
    }

    /// True when the summary equals its events.
    private func check(_ summary: Pending, now: Int64) async throws -> Bool {
        try await self.database.transaction { connection in
            let rows = try await connection.query("""
                SELECT seq, payload FROM events
                WHERE store_id = \(summary.store) AND gateway_id = \(summary.gateway)
                  AND seq BETWEEN \(summary.firstSeq) AND \(summary.seq)
                ORDER BY seq
                """, logger: self.logger)
            var counted = SalesTally()
            var reported: SalesTally?
            for try await (seq, payload) in rows.decode((Int64, ByteBuffer).self) {
                guard let event = try? EventPayload.decode(Array(payload.readableBytesView)) else { continue }
                if seq == summary.seq {
                    reported = event.details?.summary.map(SalesTally.init)
                } else if seq <= summary.lastSeq {
                    counted.add(event)
                }
            }
            let differences = reported.map(counted.differences(from:)) ?? ["the summary event cannot be read"]
            try await connection.query("""
                UPDATE sales_summaries SET checked_ms = \(now), problem = \(differences.isEmpty ? nil : differences.joined(separator: "; "))
                WHERE store_id = \(summary.store) AND gateway_id = \(summary.gateway) AND seq = \(summary.seq)
                """, logger: self.logger)
            guard !differences.isEmpty else { return true }
            var details: [String: any Sendable] = [
                "seq": summary.seq, "first_seq": summary.firstSeq, "last_seq": summary.lastSeq,
                "differences": differences.joined(separator: "; "),
            ]
            if let downlink = self.downlink {
                var body = DownlinkBody()
                body.command = "requeue"
                body.fromSeq = summary.firstSeq
                body.toSeq = summary.lastSeq
                let sent = try await downlink.enqueue(kind: "commands", target: summary.store, body: body, on: connection, now: now,
                                                      logger: self.logger)
                details["requeue"] = ["stream": sent.stream, "seq": sent.seq] as [String: any Sendable]
            }
            try await Alert.raise([Alert(
                kind: .summaryMismatch, key: "summary_mismatch:\(summary.store)/\(summary.gateway):\(summary.seq)",
                storeID: summary.store, gatewayID: summary.gateway, code: nil, details: details)],
                on: connection, now: now, logger: self.logger)
            return false
        }
    }
}
