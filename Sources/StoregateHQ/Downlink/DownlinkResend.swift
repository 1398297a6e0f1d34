import Logging
import PostgresNIO
import StoregateContract
import StoregateTrust

/// A gateway whose downlink epoch changed has lost what HQ sent its store (its ledger was restored from a backup,
/// or the store runs a new ledger): its streams rolled back, and old messages would apply again. HQ sends the
/// store its state again — every code batch, revocation, policy and key message it sent to that store or to
/// all stores, in the order they were first written, as new messages of the store's own streams with a fresh
/// seq and `issued_ms` (a resent message is not an old one: the gateway's freshness check must accept it).
/// Commands and sync beacons are not resent: they are about the moment they were sent.
struct DownlinkResend {
    let outbox: DownlinkOutbox

    static let kinds = ["keys", "policy", "codes", "revocations"]

    /// Enqueues the resend in the caller's transaction; returns how many messages.
    func resend(store: String, on connection: PostgresConnection, now: Int64, logger: Logger) async throws -> Int {
        // The store's broadcast tracking first, as the jobs take it (its rows, then the streams): no deadlock with them.
        let tracked = try await connection.query("""
            SELECT 1 FROM broadcast_delivery WHERE store_id = \(store) AND state = 'sent' ORDER BY stream, seq FOR UPDATE
            """, logger: logger)
        for try await _ in tracked.decode(Int.self) {}
        let streams = Self.kinds.flatMap { ["\($0):\(store)", "\($0):*"] }
        let rows = try await connection.query("""
            SELECT envelope FROM downlink_outbox WHERE stream = ANY(\(streams)::text[]) ORDER BY id
            """, logger: logger)
        var messages: [DownlinkMessage] = []
        for try await envelope in rows.decode(ByteBuffer.self) {
            guard let message = DownlinkCopies.message(in: Array(envelope.readableBytesView)) else { continue }
            messages.append(message)
        }
        // A message resent before is history too: the same body twice is sent once, at its last place (a policy
        // set to A, then B, then A again must end at A).
        let keys = messages.map { message in Array(message.kind.utf8) + [0] + ((try? HQJSON.encode(message.body)) ?? []) }
        var last: [[UInt8]: Int] = [:]
        for (index, key) in keys.enumerated() { last[key] = index }
        var sent: [Int: (stream: String, seq: Int64)] = [:]
        for (index, message) in messages.enumerated() where last[keys[index]] == index {
            sent[index] = try await self.outbox.enqueue(kind: message.kind, target: store, body: message.body, on: connection,
                                                        now: now, logger: logger)
        }
        // A broadcast message tracked for this store now awaits the store's report of its copy here (the copy of
        // the same body at its last place): the per-store tracking must not send it a second time.
        var copies: [DownlinkCopies.Copy] = []
        for (index, message) in messages.enumerated() where message.target == "*" {
            guard let copy = last[keys[index]].flatMap({ sent[$0] }) else { continue }
            copies.append(.init(stream: "\(message.kind):*", seq: message.seq, copyStream: copy.stream, copySeq: copy.seq))
        }
        try await DownlinkCopies.awaitCopies(copies, store: store, on: connection, now: now, logger: logger)
        return sent.count
    }
}
