import Foundation
import StoregateCore
public import StoregateLedger

/// A code's state and history, as `storegate ledger show --json` prints it and `GET /v1/codes/{id}` answers it.
public struct CodeHistoryJSON: Encodable, Sendable {
    var id: String
    var registered: Bool
    var state: String?
    var provisional: Bool?
    var product: String?
    var lot: String?
    var expiry: String?
    var parent: String?
    var campaign: String?
    var regions: [String]?
    var revoked_reason: String?
    var events: [JournalEventJSON]

    public init(id: String, history: CodeHistory) {
        let record = history.record
        self.id = id
        self.registered = record != nil
        self.state = record?.state.rawValue
        self.provisional = record?.provisional
        self.product = record?.product
        self.lot = record?.lot
        self.expiry = record?.expiry?.description
        self.parent = record?.parent
        self.campaign = record?.campaign
        self.regions = record?.regions
        self.revoked_reason = record?.revokedReason
        self.events = history.events.map(JournalEventJSON.init)
    }
}

/// A journal event as `ledger show`/`ledger journal` print it.
public struct JournalEventJSON: Encodable, Sendable {
    var seq: Int64
    var event_id: String
    var op: String
    var code: String?
    var result: String
    var reason: String
    var lane: String
    var `operator`: String
    var role: String
    var time_ms: Int64
    var provisional: Bool
    var hash: String

    public init(_ event: JournalEvent) {
        self.seq = event.seq
        self.event_id = event.eventID
        self.op = event.operation.rawValue
        self.code = event.codeID
        self.result = event.result.rawValue
        self.reason = event.reason
        self.lane = event.lane
        self.operator = event.operator
        self.role = event.role.rawValue
        self.time_ms = event.time.milliseconds
        self.provisional = event.provisional
        self.hash = event.hash.map { String(format: "%02x", $0) }.joined()
    }

    public var humanLine: String {
        "#\(self.seq) \(Timestamp(milliseconds: self.time_ms).utcText) \(self.op) \(self.code ?? "-") → \(self.result) "
            + "(lane \(self.lane), \(self.operator)): \(self.reason)"
    }
}
