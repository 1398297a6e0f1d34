/// The stable machine codes of ``ParseIssue/code``; each is explained in docs/codes.md.
public enum ParseErrorCode: String, Sendable, CaseIterable {
    // The scan as a whole.
    case empty
    case tooLong = "too_long"
    case controlCharacter = "control_character"
    case nonASCII = "non_ascii"
    case unrecognised
    /// The source cut the scan short (unplug, inter-key pause, truncated report): never parsed, never accepted.
    case incompleteScan = "incomplete_scan"

    // GS1 element strings and their values.
    case unknownAI = "unknown_ai"
    case badLength = "bad_length"
    case gsMissing = "gs_missing"
    case badCharacter = "bad_character"
    case checkDigit = "check_digit"
    case badDate = "bad_date"
    case badTime = "bad_time"
    case badValue = "bad_value"
    case conflictingDuplicate = "conflicting_duplicate_ai"
    case missingRequiredAI = "missing_required_ai"
    case excludedAIPair = "excluded_ai_pair"
    case badHRI = "bad_hri"
    case noIdentity = "no_identity"
    case incompleteSignature = "incomplete_signature"

    // GS1 Digital Link.
    case badURI = "bad_uri"
    case notACodeURL = "not_a_code_url"
    /// Compressed Digital Link data that does not decode (bad character, truncated, reserved code, stray bits).
    case digitalLinkBadCompression = "dl_bad_compression"
    case digitalLinkBadQualifier = "dl_bad_qualifier"
    case digitalLinkQualifierOrder = "dl_qualifier_order"
    case digitalLinkNotAttribute = "dl_not_attribute"
    case badPercentEncoding = "bad_percent_encoding"

    // Brand URL codes, retail codes, canonical ids.
    case brandBadToken = "brand_bad_token"
    case badCanonicalID = "bad_canonical_id"
}

extension ParseIssue {
    /// The issue for a scan its source reported incomplete (``ScanEvent/complete`` false).
    public static let incompleteScan = ParseIssue(
        .incompleteScan, "the scan was cut short (scanner unplugged, paused or a report was truncated); scan the code again")

    init(_ code: ParseErrorCode, ai: String? = nil, _ message: String) {
        self.init(code: code.rawValue, ai: ai, message: message)
    }
}
