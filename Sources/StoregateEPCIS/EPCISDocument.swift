/// An EPCIS 2.0 JSON-LD document of ObjectEvents (GS1 EPCIS 2.0, section 12; docs/epcis.md), as storegate writes it.
public struct EPCISDocument: Sendable, Equatable, Encodable {
    /// GS1's JSON-LD context for EPCIS 2.0.
    public static let gs1Context = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
    /// The prefix of storegate's own fields and the namespace it stands for, declared in `@context`.
    public static let prefix = "storegate"
    public static let namespace = "https://storegate.example/epcis/"

    /// When the document was made, ISO 8601 in UTC.
    public var creationDate: String
    public var events: [EPCISObjectEvent]

    public init(creationDate: String, events: [EPCISObjectEvent]) {
        self.creationDate = creationDate
        self.events = events
    }

    private enum CodingKeys: String, CodingKey {
        case context = "@context", type, schemaVersion, creationDate, epcisBody
    }

    private struct Body: Encodable { var eventList: [EPCISObjectEvent] }

    private struct Context: Encodable {
        func encode(to encoder: any Encoder) throws {
            var list = encoder.unkeyedContainer()
            try list.encode(EPCISDocument.gs1Context)
            try list.encode([EPCISDocument.prefix: EPCISDocument.namespace])
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Context(), forKey: .context)
        try container.encode("EPCISDocument", forKey: .type)
        try container.encode("2.0", forKey: .schemaVersion)
        try container.encode(self.creationDate, forKey: .creationDate)
        try container.encode(Body(eventList: self.events), forKey: .epcisBody)
    }
}

/// One EPCIS ObjectEvent: a journal event's codes, what happened to them, when and where.
public struct EPCISObjectEvent: Sendable, Equatable, Encodable {
    /// `urn:uuid:` and the journal event's UUIDv7.
    public var eventID: String
    /// ISO 8601 in UTC with milliseconds.
    public var eventTime: String
    /// The store's offset from UTC at that moment, `+08:00`.
    public var eventTimeZoneOffset: String
    /// GS1 Digital Link URIs of the serialised codes.
    public var epcList: [String]
    /// Counted products without serial (a basket's plain lines): the GTIN's Digital Link and a quantity.
    public var quantityList: [QuantityElement]
    public var action: String
    public var bizStep: String
    public var disposition: String?
    public var readPoint: String?
    public var bizLocation: String?
    /// storegate's own fields, each under the `storegate:` prefix.
    public var extensions: Extensions

    public struct QuantityElement: Sendable, Equatable, Encodable {
        public var epcClass: String
        public var quantity: Int64
    }

    /// The journal's facts EPCIS has no field for (docs/epcis.md), each written under the `storegate:` prefix.
    public struct Extensions: Sendable, Equatable {
        /// The journal operation (`receive`, `sell`, `sale`, `return`, `redeem`, `void`).
        public var operation: String
        /// The event's per-gateway sequence number.
        public var seq: Int64
        public var lane: String
        public var reason: String
        public var campaign: String?
        /// `sale` and `return`: the POS receipt.
        public var receipt: String?
        /// Accepted offline on the strength of its signature, not yet confirmed by HQ.
        public var provisional: Bool?
        /// `void`: the operation it undid, and that operation's seq.
        public var voidedOperation: String?
        public var voidedSeq: Int64?
    }

    /// Any property name: EPCIS's own and the prefixed extensions go in one JSON object.
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { self.stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
        static func storegate(_ name: String) -> Key { Key("\(EPCISDocument.prefix):\(name)") }
    }

    private struct Location: Encodable { var id: String }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode("ObjectEvent", forKey: Key("type"))
        try container.encode(self.eventID, forKey: Key("eventID"))
        try container.encode(self.eventTime, forKey: Key("eventTime"))
        try container.encode(self.eventTimeZoneOffset, forKey: Key("eventTimeZoneOffset"))
        // EPCIS wants epcList or quantityList; an event with only counted products has no epcList.
        if !self.epcList.isEmpty || self.quantityList.isEmpty { try container.encode(self.epcList, forKey: Key("epcList")) }
        if !self.quantityList.isEmpty { try container.encode(self.quantityList, forKey: Key("quantityList")) }
        try container.encode(self.action, forKey: Key("action"))
        try container.encode(self.bizStep, forKey: Key("bizStep"))
        try container.encodeIfPresent(self.disposition, forKey: Key("disposition"))
        try container.encodeIfPresent(self.readPoint.map(Location.init), forKey: Key("readPoint"))
        try container.encodeIfPresent(self.bizLocation.map(Location.init), forKey: Key("bizLocation"))
        let facts = self.extensions
        try container.encode(facts.operation, forKey: .storegate("operation"))
        try container.encode(facts.seq, forKey: .storegate("seq"))
        try container.encode(facts.lane, forKey: .storegate("lane"))
        try container.encode(facts.reason, forKey: .storegate("reason"))
        try container.encodeIfPresent(facts.campaign, forKey: .storegate("campaign"))
        try container.encodeIfPresent(facts.receipt, forKey: .storegate("receipt"))
        try container.encodeIfPresent(facts.provisional, forKey: .storegate("provisional"))
        try container.encodeIfPresent(facts.voidedOperation, forKey: .storegate("voidedOperation"))
        try container.encodeIfPresent(facts.voidedSeq, forKey: .storegate("voidedSeq"))
    }
}
