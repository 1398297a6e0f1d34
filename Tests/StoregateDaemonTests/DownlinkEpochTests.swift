import Foundation
import StoregateContract
import StoregateLedger
import StoregateTesting
import Testing

/// A ledger restored from a backup has its downlink streams rolled back: HQ's later messages are gone and older
/// ones would apply again. The real gateway notices at start (its last status file says where the streams stood)
/// and tells HQ with a new downlink epoch in its status, so HQ sends its current state again.
@Suite(.serialized)
struct DownlinkEpochTests {
    static func status(_ db: String) throws -> GatewayStatus {
        try HQJSON.decode(GatewayStatus.self, from: Array(try Data(contentsOf: URL(fileURLWithPath: db + ".status.json"))))
    }

    /// Runs the gateway until it has published an online status, then stops it gracefully (it writes its last
    /// status file on the way out).
    static func run(_ store: DownlinkCrashTests.Store, _ broker: Broker, log: String,
                    while body: () async throws -> Void = {}) async throws {
        let gateway = try store.gateway(broker, log: log)
        defer { gateway.killNow() }
        try await waitUntil("the gateway connects", seconds: 30) {
            DownlinkCrashTests.text(log).components(separatedBy: "connected to").count > 1 || !gateway.isRunning
        }
        try await body()
        gateway.signal(SIGTERM)
        #expect(gateway.wait(seconds: 30) == 0, "\(DownlinkCrashTests.text(log))")
    }

    @Test func aRestoredLedgerGetsANewDownlinkEpochAndAPlainRestartKeepsIt() async throws {
        let broker = try Broker(persistent: true)
        defer { broker.stop() }
        let store = try DownlinkCrashTests.Store(codes: 10)
        defer { store.work.remove() }
        let backup = store.work.file("backup.sqlite")
        try FileManager.default.copyItem(atPath: store.db, toPath: backup)

        // The gateway applies a code batch; its last status records the stream and the epoch.
        let firstLog = store.work.file("first.log")
        try await Self.run(store, broker, log: firstLog) {
            let publisher = try store.publisher(broker, resendAfter: 2, log: store.work.file("publisher.log"))
            #expect(publisher.wait(seconds: 60) == 0, "\(DownlinkCrashTests.text(store.work.file("publisher.log")))")
        }
        let before = try Self.status(store.db)
        let epoch = try #require(before.downlinkEpoch)
        #expect(before.downlinkStreams == [DownlinkStreamPosition(stream: "codes:S1", seq: 1)])

        // A plain restart: same streams, same epoch.
        try await Self.run(store, broker, log: store.work.file("second.log"))
        #expect(try Self.status(store.db).downlinkEpoch == epoch)
        #expect(!DownlinkCrashTests.text(store.work.file("second.log")).contains("New downlink epoch"))

        // The ledger is restored from the backup taken before the batch: the stream is gone, so is the epoch.
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: store.db + suffix) }
        try FileManager.default.copyItem(atPath: backup, toPath: store.db)
        let thirdLog = store.work.file("third.log")
        try await Self.run(store, broker, log: thirdLog)
        let after = try Self.status(store.db)
        #expect(after.downlinkEpoch != nil && after.downlinkEpoch != epoch, "a new epoch tells HQ to send its state again")
        #expect(after.downlinkStreams ?? [] == [])
        #expect(DownlinkCrashTests.text(thirdLog).contains("restored from a backup? New downlink epoch"), "\(DownlinkCrashTests.text(thirdLog))")
        #expect(try Ledger(path: store.db).downlinkEpoch() == after.downlinkEpoch)
    }
}
