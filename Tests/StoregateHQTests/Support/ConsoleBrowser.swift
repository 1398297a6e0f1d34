import Foundation
import StoregateTesting

/// A browser's view of the console for HTTP tests: real requests to the running console, the cookies it sets kept
/// and sent back, the CSRF token read from the last page's forms.
final class ConsoleBrowser: @unchecked Sendable {
    let port: Int
    /// Only used from the one test task that owns this browser.
    private(set) var cookies: [String: String] = [:]
    private(set) var lastCookieHeaders: [String] = []

    init(port: Int) { self.port = port }

    @discardableResult
    func get(_ path: String, headers: [String: String] = [:]) async throws -> HTTPReply {
        try await self.send("GET", path, headers: headers, body: nil)
    }

    /// POSTs an urlencoded form.
    @discardableResult
    func post(_ path: String, form: [String: String], headers: [String: String] = [:]) async throws -> HTTPReply {
        let body = form.sorted { $0.key < $1.key }.map { "\(Self.encode($0.key))=\(Self.encode($0.value))" }.joined(separator: "&")
        return try await self.send("POST", path, headers: headers.merging(["Content-Type": "application/x-www-form-urlencoded"]) { $1 },
                                   body: Array(body.utf8))
    }

    /// Signs in through the login form; returns the answer to the POST.
    @discardableResult
    func signIn(_ user: String, _ password: String) async throws -> HTTPReply {
        let page = try await self.get("/login")
        return try await self.post("/login", form: ["user": user, "password": password, "csrf": Self.csrf(in: page.text) ?? ""])
    }

    /// The CSRF token of the first form on a page.
    static func csrf(in html: String) -> String? {
        guard let range = html.range(of: #"name="csrf" value=""#) else { return nil }
        let rest = html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    private func send(_ method: String, _ path: String, headers: [String: String], body: [UInt8]?) async throws -> HTTPReply {
        var headers = headers
        if !self.cookies.isEmpty, headers["Cookie"] == nil {
            headers["Cookie"] = self.cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        }
        let reply = try await HTTPTestClient.request(port: self.port, method, path, headers: headers, body: body)
        self.lastCookieHeaders = reply.setCookies
        for header in reply.setCookies {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(pair[0]), value = pair.count > 1 ? String(pair[1]) : ""
            let expired = header.lowercased().contains("max-age=0")
            if expired || value.isEmpty { self.cookies.removeValue(forKey: name) } else { self.cookies[name] = value }
        }
        return reply
    }

    private static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
