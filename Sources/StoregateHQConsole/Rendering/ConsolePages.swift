import Foundation
import Hummingbird
import Mustache
import StoregateContract

/// Renders the console's pages: a page template with its view model, inside the layout, in the reader's language;
/// and the same view models as JSON for `/api`.
struct ConsolePages: Sendable {
    let library: MustacheLibrary

    /// Parses every template; a template that does not parse stops the console from starting (and fails the tests).
    init() throws {
        var library = MustacheLibrary()
        for (name, text) in ConsoleTemplates.all { try library.register(text, named: name) }
        self.library = library
    }

    func hasTemplate(_ name: String) -> Bool { self.library.getTemplate(named: name) != nil }

    /// Security headers of every page: no script or style from elsewhere, no framing, no form sent elsewhere.
    static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy: "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        .xContentTypeOptions: "nosniff",
        .consoleReferrerPolicy: "same-origin",
        .cacheControl: "no-store",
    ]

    func html(_ template: String, title: String, model: [String: Any], context: ConsoleRequestContext,
              status: HTTPResponse.Status = .ok, csrf: String? = nil) -> Response {
        let language = context.language
        var values = model.compactMapValues { TemplateValue.wrap($0) }
        values["t"] = language.messages
        values["lang"] = language.rawValue
        values["title"] = title
        if let session = context.session {
            values["user"] = session.user
            values["role"] = session.role.rawValue
            values["canAct"] = session.role.canAct
            values["isAdmin"] = session.role == .admin
        }
        values["csrf"] = csrf ?? context.session?.csrfToken ?? ""
        let content = self.library.render(values, withTemplate: template) ?? ""
        values["content"] = content
        let page = self.library.render(values, withTemplate: "layout") ?? content
        var headers = Self.securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
    }

    /// A view model as JSON (snake_case keys, as the contract's JSON).
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let bytes = (try? HQJSON.encode(value)) ?? Array(#"{"error":"the answer could not be encoded"}"#.utf8)
        var buffer = ByteBuffer(bytes: bytes)
        buffer.writeString("\n")
        return Response(status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                        body: ResponseBody(byteBuffer: buffer))
    }

    /// A refusal: `{"error": ...}` for `/api`, otherwise the error page (the login page for 401).
    func error(_ error: ConsoleError, api: Bool, context: ConsoleRequestContext) -> Response {
        let message = error.message(in: context.language)
        if api { return Self.json(["error": message], status: error.status) }
        return self.html("error", title: context.language("error"), model: ["status": "\(error.status.code)", "message": message],
                         context: context, status: error.status)
    }
}
