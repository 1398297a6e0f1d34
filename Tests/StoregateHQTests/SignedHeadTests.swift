import Foundation
import StoregateContract
import StoregateCore
import StoregateFoundation
import StoregateHQ
import StoregateTesting
import StoregateTrust
import Testing

/// The journal heads gateways sign in their heartbeats, through a real broker into a real PostgreSQL: a lost tail is
/// requeued without waiting for a later event, a forged head changes nothing, and a head that does not match the
/// stored chain is an alert.
@Suite(.serialized)
struct SignedHeadTests {
    static let store = "S001", gatewayID = "g1"
    static let topics = TopicScheme(storeID: store, gatewayID: gatewayID)

    static func status(key: SigningKey) throws -> [UInt8] {
        try HQJSON.encode(GatewayStatus(
            state: "online", gatewayId: gatewayID, storeId: store, version: "test", timeMs: Timestamp.now.milliseconds, broker: "test",
            backlog: 0, oldestUndeliveredSeq: nil, oldestUndeliveredAgeMs: nil, shed: 0, lastDownlinkSyncMs: nil, uplinkRefusal: nil,
            lastError: nil, scanners: [], counters: nil, gatewayKey: key.publicKeyText))
    }

    static func heartbeat(seq: Int64, hash: [UInt8], deliveredThrough: Int64, key: SigningKey, timeMs: Int64 = Timestamp.now.milliseconds) throws -> [UInt8] {
        try HQJSON.encode(GatewayHeartbeat(
            gatewayId: gatewayID, storeId: store, timeMs: timeMs, connectedSinceMs: nil, backlog: 0, counters: [:],
            head: .signed(seq: seq, hash: Hex.encode(hash), deliveredThroughSeq: deliveredThrough, storeId: store, gatewayId: gatewayID,
                          timeMs: timeMs, key: key)))
    }

    @Test func aLostTailIsRequeuedFromTheSignedHeadAndTheHeadIsCheckedAgainstTheChain() async throws {
        let harness = try HQHarness()
        let hq = try await harness.start(harness.configuration())
        let listener = try await WhatOnlyHQSeesTests.DownlinkListener(broker: harness.broker, signer: harness.signer)
        let publisher = try await GatewayPublisher(broker: harness.broker)
        let key = SigningKey.generate(keyID: Self.gatewayID)
        try await publisher.publish(topic: Self.topics.status, payload: try Self.status(key: key), retain: true)
        try await waitUntil("the gateway key pinned", seconds: 20, interval: .milliseconds(100)) {
            (try? harness.value("SELECT gateway_key FROM gateways")) == key.publicKeyText
        }
        var gateway = SimulatedGateway(storeID: Self.store, gatewayID: Self.gatewayID)
        let events = (1...10).map { gateway.next(op: "sell", code: SimulatedGateway.unitCode(serial: "T\($0)"), timeMs: 1_780_000_000_000 + Int64($0)) }
        // The broker acknowledged 9 and 10, but HQ never stored them (an instance killed with them in hand); no
        // later event comes to show the gap.
        try await publisher.publish(events.prefix(8).map { (Self.store, Self.gatewayID, $0.payload) })
        try await harness.waitForWatermark(store: Self.store, gateway: Self.gatewayID, 8)
        try await Task.sleep(for: .milliseconds(1_500))
        #expect(!listener.messages.value.contains { $0.body.command == "requeue" })

        try await publisher.publish(topic: Self.topics.heartbeat, payload: try Self.heartbeat(
            seq: 10, hash: gateway.headHash, deliveredThrough: 10, key: key))
        try await waitUntil("a requeue of the tail 9–10", seconds: 20, interval: .milliseconds(100)) {
            listener.messages.value.contains { $0.body.command == "requeue" && $0.body.fromSeq == 9 && $0.body.toSeq == 10 }
        }
        try await publisher.publish(events.suffix(2).map { (Self.store, Self.gatewayID, $0.payload) })
        try await harness.waitForWatermark(store: Self.store, gateway: Self.gatewayID, 10)
        try await waitUntil("the head compared with the stored chain", seconds: 20, interval: .milliseconds(100)) {
            (try? harness.int("SELECT count(*) FROM gateways WHERE head_checked_ms = signed_head_ms")) == 1
        }
        // The next pass of the jobs marks the requeue filled (the watermark may have passed it after this pass's check).
        try await waitUntil("the requeue filled", seconds: 20, interval: .milliseconds(100)) {
            (try? harness.int("SELECT count(*) FROM requeues WHERE filled_ms IS NULL")) == 0
        }
        #expect(try harness.int("SELECT count(*) FROM alerts") == 0)

        // A later head for seq 10 whose hash is not that of the stored event 10: the chain HQ holds is not the gateway's.
        try await publisher.publish(topic: Self.topics.heartbeat, payload: try Self.heartbeat(
            seq: 10, hash: [UInt8](repeating: 7, count: 32), deliveredThrough: 10, key: key, timeMs: Timestamp.now.milliseconds + 1))
        try await waitUntil("head_mismatch", seconds: 20, interval: .milliseconds(100)) {
            (try? harness.int("SELECT count(*) FROM alerts WHERE kind = 'head_mismatch' AND details->>'seq' = '10'")) == 1
        }
        await publisher.stop()
        try await hq.stop()
    }

    @Test func aHeadSignedWithAnotherKeyMovesNothingAndIsAnAlertAndSoIsAChangedKey() async throws {
        let harness = try HQHarness()
        let hq = try await harness.start(harness.configuration())
        let publisher = try await GatewayPublisher(broker: harness.broker)
        let key = SigningKey.generate(keyID: Self.gatewayID)
        let forger = SigningKey.generate(keyID: Self.gatewayID)
        try await publisher.publish(topic: Self.topics.status, payload: try Self.status(key: key), retain: true)
        try await waitUntil("the gateway key pinned", seconds: 20, interval: .milliseconds(100)) {
            (try? harness.value("SELECT gateway_key FROM gateways")) == key.publicKeyText
        }
        try await publisher.publish(topic: Self.topics.heartbeat, payload: try Self.heartbeat(
            seq: 500, hash: [UInt8](repeating: 1, count: 32), deliveredThrough: 500, key: forger))
        try await waitUntil("head_signature_invalid", seconds: 20, interval: .milliseconds(100)) {
            (try? harness.int("SELECT count(*) FROM alerts WHERE kind = 'head_signature_invalid'")) == 1
        }
        #expect(try harness.int("SELECT highest_seq FROM gateways") == 0)
        #expect(try harness.value("SELECT coalesce(signed_head_seq::text, 'none') FROM gateways") == "none")

        // A status with another key: the first key stays pinned.
        try await publisher.publish(topic: Self.topics.status, payload: try Self.status(key: forger), retain: true)
        try await waitUntil("gateway_key_changed", seconds: 20, interval: .milliseconds(100)) {
            (try? harness.int("SELECT count(*) FROM alerts WHERE kind = 'gateway_key_changed'")) == 1
        }
        #expect(try harness.value("SELECT gateway_key FROM gateways") == key.publicKeyText)
        await publisher.stop()
        try await hq.stop()
    }
}
