import Foundation
import Hummingbird
import Logging
import StoregateCore
import StoregateFoundation

extension ConsoleRoutes {
    /// `GET /login` (the form, with a login CSRF token in a cookie of its own), `POST /login`, `POST /logout`.
    func registerLogin(on router: Router<ConsoleRequestContext>) {
        router.get("/login") { request, context in
            if context.session != nil { return Self.redirect("/") }
            return self.loginPage(request, context: context, message: nil, status: .ok)
        }
        router.post("/login") { request, context in
            let name = context.form["user"] ?? "", password = context.form["password"] ?? ""
            guard !name.isEmpty, !password.isEmpty else {
                return self.loginPage(request, context: context, message: context.language("login_enter"), status: .badRequest)
            }
            let now = Timestamp.now.milliseconds
            if let refusal = try await self.throttle.refusal(user: name, address: context.clientAddress, now: now) {
                self.logger.warning("console login refused (rate limit)", metadata: ["user": "\(name)", "address": "\(context.clientAddress)"])
                return self.loginPage(request, context: context, message: refusal.message(in: context.language), status: refusal.status)
            }
            guard let user = try await self.users.verify(name: name, password: password) else {
                try await self.throttle.recordFailure(user: name, address: context.clientAddress, now: now)
                self.logger.notice("console login failed", metadata: ["user": "\(name)", "address": "\(context.clientAddress)"])
                return self.loginPage(request, context: context, message: context.language("login_wrong"), status: .unauthorized)
            }
            try await self.throttle.recordSuccess(user: user.name, address: context.clientAddress)
            let (token, session) = try await self.sessions.open(user: user, now: now)
            self.logger.notice("console login", metadata: ["user": "\(user.name)", "role": "\(user.role.rawValue)"])
            var response = Self.redirect("/")
            response.setCookie(self.cookie(ConsoleAccess.sessionCookie, token, maxAge: Int((session.expiresMs - now) / 1_000), path: "/"))
            response.setCookie(self.cookie(ConsoleAccess.loginCookie, "", maxAge: 0, path: "/login"))
            return response
        }
        router.post("/logout") { request, context in
            if let token = request.cookies[ConsoleAccess.sessionCookie]?.value { try await self.sessions.close(token: token) }
            var response = Self.redirect("/login")
            response.setCookie(self.cookie(ConsoleAccess.sessionCookie, "", maxAge: 0, path: "/"))
            return response
        }
    }

    /// The login form. Its CSRF token is the login cookie's value (a new one unless the browser brought one).
    private func loginPage(_ request: Request, context: ConsoleRequestContext, message: String?, status: HTTPResponse.Status) -> Response {
        let existing = request.cookies[ConsoleAccess.loginCookie]?.value ?? ""
        let token = existing.isEmpty ? Secrets.token() : existing
        var response = self.pages.html("login", title: context.language("sign_in"), model: ["message": message as Any],
                                       context: context, status: status, csrf: token)
        response.setCookie(self.cookie(ConsoleAccess.loginCookie, token, maxAge: 3_600, path: "/login"))
        return response
    }

    /// HttpOnly, SameSite=Strict; Secure unless `console.secure_cookies = false` or `console.origin` is plain http.
    func cookie(_ name: String, _ value: String, maxAge: Int, path: String) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: path, secure: self.secureCookies, httpOnly: true, sameSite: .strict)
    }
}
