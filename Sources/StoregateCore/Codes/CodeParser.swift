/// Turns the bytes of one scan into a ``ParsedCode``. Pure and total: any input gives a result, never a crash.
public struct CodeParser: Sendable {
    /// Longest scan accepted; longer input is rejected as `too_long` before any parsing.
    public static let maximumScanLength = 4096

    public var schemes: [BrandScheme]

    public init(schemes: [BrandScheme] = []) {
        self.schemes = schemes
    }

    public func parse(_ scan: some Collection<UInt8>) -> ParsedCode {
        // Placeholder until the GS1 / Digital Link / brand / retail parsers land.
        ParsedCode(kind: .unknown, errors: [ParseIssue(code: "unrecognised", message: "not implemented")])
    }
}
