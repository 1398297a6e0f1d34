import StoregateCore
import StoregateLedger
import StoregateTesting
import Testing

/// The canonical bytes of journal events, pinned byte for byte. HQ verifies the hash chain from these bytes, so
/// any change to how they are written (key order, escaping, number format, which keys are omitted) breaks every
/// gateway's chain: these literals change only with a new payload version or a new optional key that events
/// written before it do not carry (`store_id` and `gateway_id`, ledger schema v8; FrozenMigrationTests checks old events keep their bytes).
@Suite struct CanonicalPayloadTests {
    let zeroHash = String(repeating: "0", count: 64)

    /// The stored outbox payload of `seq`, with the parts that are random (event id) or chained (previous hash)
    /// checked against the journal and replaced by placeholders, so the literal can be compared.
    func payload(_ fixture: LedgerFixture, seq: Int64) throws -> String {
        let event = try #require(try fixture.ledger.journal(fromSeq: seq, limit: 1).first)
        let payload = try #require(try fixture.ledger.outboxEntry(seq: seq)?.payload)
        #expect(payload == event.canonicalPayload)
        let prevHash = event.prevHash.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        return payload
            .replacing("\"event_id\":\"\(event.eventID)\"", with: "\"event_id\":\"ID\"")
            .replacing("\"prev_hash\":\"\(prevHash)\"", with: "\"prev_hash\":\"PREV\"")
            .replacing("\"gateway_id\":\"\(try fixture.ledger.gatewayID())\"", with: "\"gateway_id\":\"GW\"")
    }

    @Test func acceptedRedemptionWithExpiryAndCampaign() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        try fixture.register(csv: """
            code,expiry,campaign
            01/09506000134352/21/GOLD,2027-12-31,summer
            """)
        try fixture.ledger.setCampaign(CampaignPolicy(name: "summer", starts: .testNow.adding(days: -1), ends: .testNow.adding(days: 1)))
        let outcome = try fixture.apply(.redeem, .unit(serial: "GOLD"), context: .test(lane: "3", role: .checkout))
        #expect(outcome.result == .accepted)
        let event = try #require(try fixture.ledger.journal(fromSeq: 1, limit: 1).first)
        #expect(event.prevHash == JournalEvent.genesisHash)
        #expect(try self.payload(fixture, seq: 1) == """
            {"v":1,"seq":1,"event_id":"ID","store_id":"S1","gateway_id":"GW","op":"redeem","code":"01/09506000134352/21/GOLD","result":"accepted",\
            "reason":"Redeemed.","lane":"3","operator":"alice","role":"checkout","time_ms":1772366400000,\
            "provisional":false,"details":{"state":"issued","expiry":"2027-12-31","campaign":"summer"},\
            "prev_hash":"PREV"}
            """)
        #expect(event.details == #"{"state":"issued","expiry":"2027-12-31","campaign":"summer"}"#)
        #expect(try fixture.ledger.check().isOK)
    }

    @Test func secondRedemptionCarriesTheEarlierChange() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        try fixture.register(ids: ["01/09506000134352/21/TWICE"])
        try fixture.apply(.redeem, .unit(serial: "TWICE"), context: .test(lane: "3"))
        let second = try fixture.apply(.redeem, .unit(serial: "TWICE"), context: .test(lane: "4", time: .testNow.adding(minutes: 5)))
        #expect(second.result == .alreadyRedeemed)
        #expect(try self.payload(fixture, seq: 2) == """
            {"v":1,"seq":2,"event_id":"ID","store_id":"S1","gateway_id":"GW","op":"redeem","code":"01/09506000134352/21/TWICE",\
            "result":"already_redeemed","reason":"Already redeemed on 2026-03-01 12:00 UTC at lane 3 by operator alice.",\
            "lane":"4","operator":"alice","role":"service","time_ms":1772366700000,"provisional":false,\
            "details":{"state":"redeemed","earlier":{"op":"redeem","previous_state":"issued","lane":"3",\
            "operator":"alice","time_ms":1772366400000,"seq":1}},"prev_hash":"PREV"}
            """)
        #expect(try fixture.ledger.check().isOK)
    }

    @Test func stringsAreEscapedAsJSONRequiresAndNonASCIIIsKept() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let message = "bad \"x\" \\ \n\r\t\u{01}\u{7F} é €"
        let context = DecisionContext.test(lane: "Kasse \"3\" ü", operator: "bob\u{1F}", role: .checkout)
        #expect(try fixture.apply(.redeem, .malformed(message), context: context).result == .malformed)
        // Raw strings: every backslash below is in the payload.
        #expect(try self.payload(fixture, seq: 1) == [
            #"{"v":1,"seq":1,"event_id":"ID","store_id":"S1","gateway_id":"GW","op":"redeem","result":"malformed","#,
            #""reason":"Not a valid code: bad \"x\" \\ \n\r\t\u0001\u007f é €.","lane":"Kasse \"3\" ü","#,
            #""operator":"bob\u001f","role":"checkout","time_ms":1772366400000,"provisional":false,"#,
            #""details":{"parse_errors":[{"code":"check_digit","ai":"01","message":"bad \"x\" \\ \n\r\t\u0001\u007f é €"}]},"#,
            #""prev_hash":"PREV"}"#,
        ].joined())
        #expect(try fixture.ledger.check().isOK)
    }

    @Test func receivedCaseCountsItsUnitsAndRevokedCodesSayWhy() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        let sscc = GTIN.sscc(77)
        try fixture.register(csv: """
            code,parent
            00/\(sscc),
            01/09506000134352/21/U1,00/\(sscc)
            01/09506000134352/21/U2,00/\(sscc)
            01/09506000134352/21/REV,
            """)
        #expect(try fixture.apply(.receive, .logisticUnit(sscc: sscc)).unpackedUnits == 2)
        #expect(try self.payload(fixture, seq: 1) == """
            {"v":1,"seq":1,"event_id":"ID","store_id":"S1","gateway_id":"GW","op":"receive","code":"00/\(sscc)","result":"accepted",\
            "reason":"Case received; its units are received too.","lane":"1","operator":"alice","role":"service",\
            "time_ms":1772366400000,"provisional":false,"details":{"state":"issued","unpacked":2},"prev_hash":"PREV"}
            """)
        try fixture.ledger.revoke(codeID: "01/09506000134352/21/REV", reason: "stolen")
        #expect(try fixture.apply(.verify, .unit(serial: "REV")).result == .revoked)
        #expect(try self.payload(fixture, seq: 2) == """
            {"v":1,"seq":2,"event_id":"ID","store_id":"S1","gateway_id":"GW","op":"verify","code":"01/09506000134352/21/REV","result":"revoked",\
            "reason":"Revoked by HQ: stolen. Do not accept this item.","lane":"1","operator":"alice","role":"service",\
            "time_ms":1772366400000,"provisional":false,"details":{"state":"revoked","revoked_reason":"stolen"},\
            "prev_hash":"PREV"}
            """)
        let first = try #require(try fixture.ledger.journal(fromSeq: 1, limit: 2).first)
        let second = try #require(try fixture.ledger.journal(fromSeq: 2, limit: 1).first)
        #expect(second.prevHash == first.hash)
        #expect(try fixture.ledger.check().isOK)
    }

    @Test func aReplayedRequestReturnsTheStoredDetails() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        try fixture.register(ids: ["01/09506000134352/21/KEYED"])
        try fixture.apply(.redeem, .unit(serial: "KEYED"), key: "k1")
        let conflict = try fixture.apply(.redeem, .unit(serial: "KEYED"), key: "k2")
        let replayed = try fixture.apply(.redeem, .unit(serial: "KEYED"), key: "k2")
        #expect(replayed.replayed)
        #expect(replayed.decision == conflict.decision)
        #expect(replayed.eventID == conflict.eventID)
        #expect(try fixture.ledger.stats().journalLength == 2)
    }

    @Test func aLedgerThatAppliedOperationsClosesCleanly() throws {
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        try fixture.register(ids: ["01/09506000134352/21/CLOSE"])
        try fixture.apply(.redeem, .unit(serial: "CLOSE"), key: "k1")
        try fixture.ledger.close()
        let reopened = try Ledger(path: fixture.path)
        #expect(try reopened.check().isOK)
        #expect(try reopened.apply(OperationRequest(operation: .verify, code: .unit(serial: "CLOSE"), context: .test())).seq == 2)
    }
}
