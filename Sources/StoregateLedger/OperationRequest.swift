public import StoregateCore

/// One operation on one scanned code, as a lane or the POS asks for it.
public struct OperationRequest: Sendable, Equatable {
    public var operation: Operation
    /// The parsed scan (the parser's result, whether valid or not).
    public var code: ParsedCode
    /// The scan's signature checked against the ledger's trusted keys (``Ledger/trustedKeys()``).
    public var signature: SignatureCheck
    public var context: DecisionContext
    /// The same key with the same request returns the first answer and writes nothing; nil: no deduplication.
    public var idempotencyKey: String?

    public init(
        operation: Operation,
        code: ParsedCode,
        signature: SignatureCheck = .absent,
        context: DecisionContext,
        idempotencyKey: String? = nil
    ) {
        self.operation = operation
        self.code = code
        self.signature = signature
        self.context = context
        self.idempotencyKey = idempotencyKey
    }

    /// What makes two requests "the same" for an idempotency key: operation, code and who asked (not the time),
    /// joined by the unit separator (which no lane, operator or canonical id contains). Stored as is: hashing it
    /// would cost more than it saves. Joined as bytes: string interpolation cost ten times as much.
    var fingerprint: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(128)
        func field(_ text: String, last: Bool = false) {
            bytes.append(contentsOf: text.utf8)
            if !last { bytes.append(0x1F) }
        }
        field(self.operation.rawValue)
        field(self.code.id ?? "malformed")
        field(self.context.lane)
        field(self.context.operator)
        field(self.context.role.rawValue, last: true)
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The answer to an ``OperationRequest`` and where it was recorded.
public struct OperationOutcome: Sendable, Equatable {
    public var operation: Operation
    public var decision: Decision
    /// Canonical code id; nil for a malformed scan.
    public var codeID: String?
    /// Journal sequence number of the event that records this answer.
    public var seq: Int64
    public var eventID: String
    public var time: Timestamp
    /// Units of a received case that became `received` with it.
    public var unpackedUnits: Int
    /// True when this is the stored first answer to a repeated idempotency key (nothing new was written).
    public var replayed: Bool

    public var result: ResultCode { self.decision.result }
    public var reason: String { self.decision.reason }
    public var provisional: Bool { self.decision.provisional }
}
