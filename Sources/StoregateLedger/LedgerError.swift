/// Why the ledger refused to open or to do something, in words that say what to do about it.
public struct LedgerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable category, so callers can match (`catch let error as LedgerError where error.code == .notFound`).
    public struct Code: RawRepresentable, Sendable, Hashable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// No ledger file at the path (run `storegate ledger init`).
        public static let notFound = Code(rawValue: "not_found")
        /// The database would not run with the durability it must have.
        public static let durability = Code(rawValue: "durability")
        /// The ledger has not been initialised with a store id and region.
        public static let notInitialised = Code(rawValue: "not_initialised")
        /// An idempotency key was reused for a different request.
        public static let idempotencyKeyReused = Code(rawValue: "idempotency_key_reused")
        /// A value given to a setter is out of range or malformed.
        public static let invalidValue = Code(rawValue: "invalid_value")
        /// An import file cannot be read (missing header, unreadable, bad row under --strict).
        public static let importFailed = Code(rawValue: "import_failed")
        /// A downlink message's stream is already at (or past) its sequence number.
        public static let downlinkReplayed = Code(rawValue: "downlink_replayed")
        /// A key change breaks the key rules: a retired key id again, another public key behind a known id, or a
        /// downlink key retiring itself or the last one (``KeyTable``, `Ledger.writeKeys(_:db:at:)`).
        public static let keyRefused = Code(rawValue: "key_refused")
        /// A return the receipt does not allow: unknown receipt, past the return window, more than was sold.
        public static let returnRefused = Code(rawValue: "return_refused")
        /// Opened read-only, the ledger has migrations pending (opening it normally would apply them).
        public static let schemaNotCurrent = Code(rawValue: "schema_not_current")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { self.message }
}
