import Foundation

/// One HTTP/1.1 exchange over a real loopback socket (`Connection: close`, the whole answer read).
public struct HTTPReply: Sendable {
    public var status: Int
    /// Header names in lower case.
    public var headers: [String: String]
    public var body: [UInt8]
    /// Every `Set-Cookie` header, in order (``headers`` keeps only the last of a repeated header).
    public var setCookies: [String] = []

    public var text: String { String(decoding: self.body, as: UTF8.self) }

    /// The body as a JSON object (empty when it is not one).
    public var json: [String: Any] {
        ((try? JSONSerialization.jsonObject(with: Data(self.body))) as? [String: Any]) ?? [:]
    }

    /// `error.code` of an error answer.
    public var errorCode: String? { (self.json["error"] as? [String: Any])?["code"] as? String }
}

/// An HTTP client for async tests. The exchange itself is blocking socket I/O, so it runs on a thread of its own
/// while the test is suspended: a test waiting for its answer never holds a thread of the cooperative pool that the
/// server under test (or another test, running in parallel) needs.
public enum HTTPTestClient {
    public static func request(port: Int, _ method: String, _ path: String, headers: [String: String] = [:],
                               body: [UInt8]? = nil) async throws -> HTTPReply {
        try await offThePool("http-test-client") { try Self.exchange(port: port, method, path, headers: headers, body: body) }
    }

    /// POST with a JSON body.
    public static func post(port: Int, _ path: String, json: String, headers: [String: String] = [:]) async throws -> HTTPReply {
        try await Self.request(port: port, "POST", path, headers: headers.merging(["Content-Type": "application/json"]) { $1 },
                               body: Array(json.utf8))
    }

    private static func exchange(port: Int, _ method: String, _ path: String, headers: [String: String],
                                 body: [UInt8]?) throws -> HTTPReply {
        let socket = try LoopbackSocket(port: port)
        // A Host in `headers` replaces the loopback one (tests of the API's Host check).
        var head = "\(method) \(path) HTTP/1.1\r\nConnection: close\r\n"
        if headers["Host"] == nil { head += "Host: 127.0.0.1:\(port)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if let body { head += "Content-Length: \(body.count)\r\n" }
        try socket.send(Array((head + "\r\n").utf8) + (body ?? []))
        var answer: [UInt8] = []
        while true {
            let chunk = socket.receive()
            if chunk.isEmpty { break }
            answer += chunk
        }
        return try Self.parse(answer)
    }

    static func parse(_ bytes: [UInt8]) throws -> HTTPReply {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = bytes.firstRange(of: separator) else {
            throw ChildProcess.SpawnError(message: "no HTTP answer (\(bytes.count) bytes)")
        }
        let lines = String(decoding: bytes[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw ChildProcess.SpawnError(message: "not an HTTP status line: \(lines[0])")
        }
        var headers: [String: String] = [:]
        var setCookies: [String] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased(), value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = value
            if name == "set-cookie" { setCookies.append(value) }
        }
        var body = Array(bytes[end.upperBound...])
        if headers["transfer-encoding"] == "chunked" { body = Self.dechunked(body) }
        return HTTPReply(status: status, headers: headers, body: body, setCookies: setCookies)
    }

    static func dechunked(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var rest = bytes[...]
        while let lineEnd = rest.firstRange(of: Array("\r\n".utf8)),
              let size = Int(String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self), radix: 16), size > 0 {
            let start = lineEnd.upperBound
            result += rest[start..<min(start + size, rest.endIndex)]
            rest = rest[min(start + size + 2, rest.endIndex)...]
        }
        return result
    }
}
