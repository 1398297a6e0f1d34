import Foundation
import GRDB
import StoregateCore
import StoregateLedger
import StoregateTesting
import Testing

@Suite struct LedgerDurabilityTests {
    let unit = ParsedCode.unit(serial: "K1")

    @Test func synchronousFullIsInForceOnTheWriter() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        #expect(try fixture.ledger.synchronousLevel() == 2)
        // And after reopening (a new process would do the same).
        let reopened = try Ledger(path: fixture.path)
        #expect(try reopened.synchronousLevel() == 2)
    }

    @Test func sameIdempotencyKeyReturnsTheFirstResultAndWritesNothing() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        try fixture.register(ids: [self.unit.id!])
        let first = try fixture.apply(.redeem, self.unit, key: "pos-42")
        let again = try fixture.apply(.redeem, self.unit, context: .test(time: .testNow.adding(minutes: 1)), key: "pos-42")
        #expect(first.result == .accepted)
        #expect(again.result == .accepted)
        #expect(again.replayed)
        #expect(again.seq == first.seq)
        #expect(again.eventID == first.eventID)
        #expect(try fixture.ledger.stats().journalLength == 1)
        let error = #expect(throws: LedgerError.self) {
            try fixture.apply(.sell, self.unit, key: "pos-42")
        }
        #expect(error?.code == .idempotencyKeyReused)
        #expect(try fixture.ledger.stats().journalLength == 1)
        // The refused request rolled back cleanly: the next operation continues the chain.
        #expect(try fixture.apply(.verify, self.unit, key: "pos-43").seq == 2)
        #expect(try fixture.ledger.check().isOK)
    }

    @Test func journalIsGapFreeAndChained() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        try fixture.register(ids: (1...20).map { "01/09506000134352/21/S\($0)" })
        for index in 1...20 {
            try fixture.apply(index % 2 == 0 ? .redeem : .sell, .unit(serial: "S\(index)"))
        }
        let events = try fixture.ledger.journal(fromSeq: 1, limit: 100)
        #expect(events.map(\.seq) == Array(1...20))
        for (previous, next) in zip(events, events.dropFirst()) {
            #expect(next.prevHash == previous.hash)
        }
        #expect(events.first?.prevHash == JournalEvent.genesisHash)
        let report = try fixture.ledger.check()
        #expect(report.isOK, "\(report.problems)")
        #expect(report.eventsChecked == 20)
    }

    @Test func journalRefusesUpdateAndDelete() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        try fixture.apply(.verify, self.unit)
        let queue = try DatabaseQueue(path: fixture.path)
        #expect(throws: DatabaseError.self) {
            try queue.write { try $0.execute(sql: "UPDATE journal SET result = 'accepted'") }
        }
        #expect(throws: DatabaseError.self) {
            try queue.write { try $0.execute(sql: "DELETE FROM journal") }
        }
    }

    @Test func tamperingIsFoundByCheckAtTheFirstBrokenEvent() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        try fixture.register(ids: [self.unit.id!])
        for _ in 0..<5 { try fixture.apply(.verify, self.unit) }
        // An attacker with raw access drops the trigger and rewrites event 3.
        let queue = try DatabaseQueue(path: fixture.path)
        try queue.write { db in
            try db.execute(sql: "DROP TRIGGER journal_no_update")
            try db.execute(sql: "UPDATE journal SET result = 'accepted', reason = 'ok' WHERE seq = 3")
        }
        try queue.close()
        let report = try fixture.ledger.check()
        #expect(!report.isOK)
        #expect(report.firstBrokenSeq == 3)
    }

    @Test func anotherConnectionsWritesDoNotBreakTheChain() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        try fixture.register(ids: [self.unit.id!])
        try fixture.apply(.verify, self.unit)
        let second = try Ledger(path: fixture.path)  // a second process, e.g. the CLI next to the daemon
        _ = try second.apply(OperationRequest(operation: .verify, code: self.unit, context: .test()))
        try fixture.apply(.verify, self.unit)
        #expect(try fixture.ledger.check().isOK)
        #expect(try fixture.ledger.stats().journalLength == 3)
    }

    /// Event ids take their random bits from a pool refilled every ~400 events: ids stay distinct across refills.
    @Test func eventIDsAreDistinctVersion7UUIDsInTimeOrder() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        for index in 0..<900 {
            try fixture.apply(.verify, self.unit, context: .test(time: .testNow.adding(minutes: Int64(index / 100))))
        }
        var ids: [String] = []
        var from: Int64 = 1
        while case let events = try fixture.ledger.journal(fromSeq: from, limit: 500), let last = events.last {
            ids += events.map(\.eventID)
            from = last.seq + 1
        }
        #expect(ids.count == 900)
        #expect(Set(ids).count == ids.count)
        let hex = Set("0123456789abcdef")
        for id in ids {
            let characters = Array(id)
            #expect(characters.count == 36 && characters[14] == "7" && "89ab".contains(characters[19]), "\(id)")
            #expect(characters.enumerated().allSatisfy { [8, 13, 18, 23].contains($0.offset) ? $0.element == "-" : hex.contains($0.element) })
        }
        // The first 48 bits are the time: ids sort like the events' times.
        #expect(ids.map { $0.prefix(13) } == ids.map { $0.prefix(13) }.sorted())
    }
}
