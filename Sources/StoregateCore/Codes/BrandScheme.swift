/// A configured brand URL code format: which URLs are codes and how the unit token is taken from them.
///
/// Example: host `q.brand.cn`, path prefix `/c/` and a token of 6–32 characters of `[0-9A-Z]` turn
/// `https://q.brand.cn/c/7GQ2XK9P4M` into the identity `brand:<name>:7GQ2XK9P4M`.
public struct BrandScheme: Sendable, Equatable, Codable {
    /// Short name, part of the canonical id (`brand:<name>:<token>`).
    public var name: String
    /// Hosts that carry this scheme's codes (exact, lower case).
    public var hosts: [String]
    /// Path before the token, e.g. `/c/`.
    public var pathPrefix: String
    /// Characters a token may contain.
    public var tokenAlphabet: String
    public var tokenLength: ClosedRange<Int>

    public init(name: String, hosts: [String], pathPrefix: String, tokenAlphabet: String, tokenLength: ClosedRange<Int>) {
        self.name = name
        self.hosts = hosts
        self.pathPrefix = pathPrefix
        self.tokenAlphabet = tokenAlphabet
        self.tokenLength = tokenLength
    }
}
