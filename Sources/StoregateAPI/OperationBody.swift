import Foundation

/// The body of `POST /v1/{operation}`, checked field by field: untrusted input, so every field has a type, a length
/// bound, and (for lane and operator, which are journaled and published) no control characters.
struct OperationBody: Sendable, Equatable {
    static let fields: Set<String> = ["scan", "lane", "operator", "idempotency_key"]
    /// Far above any real code; a longer scan is refused before it reaches the parser.
    static let maximumScanBytes = 4_096
    static let maximumNameBytes = 64
    static let maximumKeyBytes = 128

    var scan: String
    /// Required without tokens; with a token it may only repeat the token's till.
    var lane: String?
    var operatorName: String?
    var idempotencyKey: String?

    /// `headerKey`: the `Idempotency-Key` header, which may stand in for the body's field (they must agree).
    init(json bytes: [UInt8], headerKey: String?) throws(APIError) {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(bytes))
        } catch {
            throw .malformedJSON("the body is not JSON; send one object, e.g. {\"scan\":\"…\",\"lane\":\"1\"}")
        }
        guard let object = parsed as? [String: Any] else { throw .malformedJSON("the body must be one JSON object") }
        if let unknown = object.keys.sorted().first(where: { !Self.fields.contains($0) }) { throw .unknownField(unknown) }
        guard let scan = try Self.string(object, "scan", maximumBytes: Self.maximumScanBytes, plainText: false) else {
            throw .missingField("scan")
        }
        self.scan = scan
        self.lane = try Self.string(object, "lane", maximumBytes: Self.maximumNameBytes, plainText: true)
        self.operatorName = try Self.string(object, "operator", maximumBytes: Self.maximumNameBytes, plainText: true)
        let bodyKey = try Self.string(object, "idempotency_key", maximumBytes: Self.maximumKeyBytes, plainText: true)
        if let headerKey {
            guard !headerKey.isEmpty, headerKey.utf8.count <= Self.maximumKeyBytes, !Self.hasControlCharacter(headerKey) else {
                throw .invalidField("Idempotency-Key", "1–\(Self.maximumKeyBytes) bytes without control characters")
            }
            if let bodyKey, bodyKey != headerKey {
                throw .invalidField("idempotency_key", "differs from the Idempotency-Key header; send one")
            }
        }
        self.idempotencyKey = bodyKey ?? headerKey
    }

    /// nil when absent (or JSON null); the scan may carry GS (0x1D) and other control characters a scanner sends.
    private static func string(_ object: [String: Any], _ field: String, maximumBytes: Int, plainText: Bool) throws(APIError) -> String? {
        guard let value = object[field], !(value is NSNull) else { return nil }
        guard let text = value as? String else { throw .invalidField(field, "must be a string") }
        guard !text.isEmpty else { throw .invalidField(field, "must not be empty") }
        guard text.utf8.count <= maximumBytes else { throw .invalidField(field, "\(text.utf8.count) bytes; at most \(maximumBytes)") }
        if plainText && Self.hasControlCharacter(text) { throw .invalidField(field, "must not contain control characters") }
        return text
    }

    private static func hasControlCharacter(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }
}
