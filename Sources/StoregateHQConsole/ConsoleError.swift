public import HTTPTypes

/// A request the console refuses, or a problem it reports to the person at the browser: the HTTP status and a
/// message in their words that says what was wrong and what to do. A message is a key of the console's catalogue
/// (``ConsoleMessages``) with its arguments, so that the page, the login form and `/api`'s `{"error": …}` say it in
/// the reader's language; `message` is the English one (what the command line prints).
public struct ConsoleError: Error, Sendable, CustomStringConvertible {
    /// A value put into a message: text as it is (a name, a number), or a message of the catalogue (a role's name).
    enum Argument: Sendable, ExpressibleByStringLiteral, ExpressibleByStringInterpolation {
        case text(String)
        case message(String)

        init(stringLiteral value: String) { self = .text(value) }
    }

    public var status: HTTPResponse.Status
    let key: String
    let arguments: [Argument]

    init(_ status: HTTPResponse.Status, key: String, _ arguments: Argument...) {
        self.init(status, key: key, arguments: arguments)
    }

    init(_ status: HTTPResponse.Status, key: String, arguments: [Argument]) {
        self.status = status
        self.key = key
        self.arguments = arguments
    }

    /// The message in English.
    public var message: String { self.message(in: .english) }

    func message(in language: ConsoleLanguage) -> String {
        language(self.key, self.arguments.map {
            switch $0 {
            case .text(let text): text
            case .message(let key): language(key)
            }
        })
    }

    public var description: String { self.message }

    static func badRequest(_ key: String, _ arguments: Argument...) -> ConsoleError {
        ConsoleError(.badRequest, key: key, arguments: arguments)
    }

    static func notFound(_ key: String, _ arguments: Argument...) -> ConsoleError {
        ConsoleError(.notFound, key: key, arguments: arguments)
    }

    /// 403: the signed-in user's role does not allow the action (`err_only_operators_acknowledge`, …: the message
    /// takes the user and the role).
    static func notAllowed(_ session: ConsoleSession, _ key: String) -> ConsoleError {
        ConsoleError(.forbidden, key: key, .text(session.user), .message("role_" + session.role.rawValue))
    }

    static let signInFirst = ConsoleError(.unauthorized, key: "err_sign_in")
    static let badCSRF = ConsoleError(.forbidden, key: "err_csrf")
}
