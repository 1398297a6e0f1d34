import Crypto
import Foundation
import NIOCore

/// Random tokens for cookies and forms, and the one way they are hashed for storage.
enum Secrets {
    /// 32 random bytes from the system's generator, base64url without padding (cookie- and form-safe).
    static func token() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// What the database keeps of a session token: its SHA-256 (a `ByteBuffer` binds as `bytea`).
    static func hash(_ token: String) -> ByteBuffer { ByteBuffer(bytes: SHA256.hash(data: Array(token.utf8))) }

    /// Equal strings, compared in time that does not depend on where they differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
