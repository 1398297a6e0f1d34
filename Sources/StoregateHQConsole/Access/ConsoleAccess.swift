import Foundation
import StoregateCore
import StoregateFoundation
import Hummingbird
import HTTPTypes
import Logging
import StoregateHQ

/// In front of every route: the language, the session from its cookie, and for every POST the CSRF token and the
/// origin. A page without a session redirects to the login page; an `/api` route answers 401. A POST whose form does
/// not carry the session's CSRF token (or, for the login form, the login cookie's) is refused with 403 before any
/// handler sees it, so no form can be added without the check.
struct ConsoleAccess: RouterMiddleware {
    typealias Context = ConsoleRequestContext
    static let sessionCookie = "sg_session"
    static let loginCookie = "sg_login"
    static let maxFormBytes = 16_384
    /// Reachable without a session.
    static let publicPaths: Set<String> = ["/login", "/static/console.css", "/static/console.js"]

    let sessions: ConsoleSessions
    let pages: ConsolePages
    /// `console.origin` when declared: a POST's Origin must be it.
    let origin: String?
    /// `console.trusted_proxies`.
    let trustedProxies: Set<String>
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.language = ConsoleLanguage(acceptLanguage: request.headers[.acceptLanguage])
        context.clientAddress = Self.clientAddress(peer: context.clientAddress, forwardedFor: request.headers[values: .xForwardedFor],
                                                   trustedProxies: self.trustedProxies)
        var request = request
        let path = request.uri.path
        let isAPI = path.hasPrefix("/api/")
        do {
            if let token = request.cookies[Self.sessionCookie]?.value, !token.isEmpty {
                context.session = try await self.sessions.find(token: token, now: Timestamp.now.milliseconds)
            }
            if request.method == .post {
                try self.checkOrigin(request)
                context.form = try await Self.readForm(&request, context: context)
                let expected = path == "/login" ? request.cookies[Self.loginCookie]?.value : context.session?.csrfToken
                let given = context.form["csrf"] ?? request.headers[.csrfToken]
                guard let expected, let given, !expected.isEmpty, Secrets.same(expected, given) else { throw ConsoleError.badCSRF }
            }
            guard context.session != nil || Self.publicPaths.contains(path) else {
                if isAPI || request.method != .get { throw ConsoleError.signInFirst }
                return Response(status: .seeOther, headers: [.location: "/login"])
            }
            return try await next(request, context)
        } catch let error as ConsoleError {
            return self.pages.error(error, api: isAPI, context: context)
        } catch let error as any HTTPResponseError where error.status == .notFound {
            return self.pages.error(ConsoleError.notFound("err_no_page", .text(path)), api: isAPI, context: context)
        } catch let error as any HTTPResponseError {
            throw error
        } catch {
            self.logger.error("console \(request.method) \(path): \(String(reflecting: error))")
            return self.pages.error(ConsoleError(.internalServerError, key: "err_internal", "\(type(of: error))"),
                                    api: isAPI, context: context)
        }
    }

    /// The client behind the peer: from a trusted proxy, the last `X-Forwarded-For` address that is not itself a
    /// trusted proxy (the one the nearest proxy saw; the addresses left of it are whatever the client wrote). From
    /// anyone else the header is ignored, so that no one changes the address the login rate limit counts.
    static func clientAddress(peer: String, forwardedFor: [String], trustedProxies: Set<String>) -> String {
        guard trustedProxies.contains(peer) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() where !hop.isEmpty {
            let address = IPAddressText.canonical(hop) ?? hop
            if !trustedProxies.contains(address) { return address }
        }
        return peer
    }

    /// A cross-site POST carries the other site's Origin: refused even where SameSite cookies are not honoured.
    private func checkOrigin(_ request: Request) throws(ConsoleError) {
        if let declared = self.origin, let origin = request.headers[.origin] {
            guard origin.lowercased() == declared else { throw ConsoleError(.forbidden, key: "err_cross_site", .text(origin), .text(declared)) }
            return
        }
        guard let origin = request.headers[.origin], let host = request.head.authority else { return }
        guard let url = URL(string: origin), let originHost = url.host(percentEncoded: false) else {
            throw ConsoleError(.forbidden, key: "err_origin_not_url", .text(origin))
        }
        // Browsers leave the scheme's default port out of Origin, and a Host without a port means that same
        // default. Another port is another site, even on the same host name.
        let defaultPort = url.scheme?.lowercased() == "https" ? 443 : 80
        let (hostName, hostPort) = Self.split(authority: host)
        guard originHost.lowercased() == hostName.lowercased(), (url.port ?? defaultPort) == (hostPort ?? defaultPort) else {
            throw ConsoleError(.forbidden, key: "err_cross_site", .text(origin), .text(host))
        }
    }

    /// `name:port` and `[v6]:port` as the name and the port (nil without one, or when it is not a number).
    static func split(authority: String) -> (name: Substring, port: Int?) {
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            let rest = authority[authority.index(after: close)...]
            return (authority[authority.index(after: authority.startIndex)..<close], rest.hasPrefix(":") ? Int(rest.dropFirst()) : nil)
        }
        let parts = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        return (parts[0], parts.count > 1 ? Int(parts[1]) : nil)
    }

    /// The urlencoded form of a POST (`application/x-www-form-urlencoded`), at most 16 KB.
    static func readForm(_ request: inout Request, context: Context) async throws -> [String: String] {
        let type = request.headers[.contentType] ?? ""
        guard type.isEmpty || type.lowercased().hasPrefix("application/x-www-form-urlencoded") else {
            throw ConsoleError(.unsupportedMediaType, key: "err_form_type", .text(type))
        }
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: Self.maxFormBytes)
        } catch {
            throw ConsoleError(.contentTooLarge, key: "err_form_size", "\(Self.maxFormBytes)")
        }
        var form: [String: String] = [:]
        for pair in String(buffer: body).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String? {
                String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }
            guard let key = decode(parts[0]), let value = decode(parts.count > 1 ? parts[1] : "") else {
                throw ConsoleError.badRequest("err_form_invalid")
            }
            form[key] = value
        }
        return form
    }
}

extension HTTPField.Name {
    static let csrfToken = HTTPField.Name("X-CSRF-Token")!
}

extension HTTPField.Name {
    static let consoleReferrerPolicy = HTTPField.Name("Referrer-Policy")!
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
}
