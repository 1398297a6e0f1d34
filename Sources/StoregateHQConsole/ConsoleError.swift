public import HTTPTypes

/// A request the console refuses, or a problem it reports to the person at the browser: the HTTP status and a
/// message in their words that says what was wrong and what to do.
public struct ConsoleError: Error, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var message: String

    public init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { self.message }

    static func badRequest(_ message: String) -> ConsoleError { ConsoleError(.badRequest, message) }
    static func notFound(_ message: String) -> ConsoleError { ConsoleError(.notFound, message) }
    static let signInFirst = ConsoleError(.unauthorized, "sign in first (POST /login), then send the session cookie")
    static let badCSRF = ConsoleError(.forbidden, "the form's CSRF token is missing or wrong: reload the page and submit it again")
}
