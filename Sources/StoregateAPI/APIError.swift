import Foundation
import Hummingbird
import Logging
import StoregateFoundation

/// A request the API refuses: an HTTP status and `{"error":{"code":…,"message":…}}` with a stable machine code and
/// a message that names the field (docs/api.md lists every code).
struct APIError: Error, Sendable {
    var status: HTTPResponse.Status
    var code: String
    var message: String

    static func malformedJSON(_ message: String) -> APIError { APIError(status: .badRequest, code: "malformed_json", message: message) }
    static func missingField(_ field: String) -> APIError {
        APIError(status: .badRequest, code: "missing_field", message: "\(field) is required")
    }
    static func invalidField(_ field: String, _ problem: String) -> APIError {
        APIError(status: .badRequest, code: "invalid_field", message: "\(field): \(problem)")
    }
    static func unknownField(_ field: String) -> APIError {
        APIError(status: .badRequest, code: "unknown_field", message: "\(field) is not a field; use scan, lane, operator, idempotency_key")
    }
    static func unknownOperation(_ name: String) -> APIError {
        APIError(status: .badRequest, code: "unknown_operation", message: "\(name) is not an operation; use verify, receive, sell, redeem or void")
    }
    static func bodyTooLarge(limit: Int) -> APIError {
        APIError(status: .contentTooLarge, code: "body_too_large", message: "the request body is over \(limit) bytes")
    }

    static func tokenMismatch(_ field: String, _ problem: String) -> APIError {
        APIError(status: .forbidden, code: "token_mismatch", message: "\(field): \(problem); the token decides the lane and operator")
    }
    static func unauthorized(_ message: String) -> APIError { APIError(status: .unauthorized, code: "unauthorized", message: message) }

    /// A failure inside the gateway (the ledger, the disk). Its text may name files and SQL, so the client gets what
    /// failed and an id to quote, and the log gets the whole error under that id.
    static func `internal`(_ code: String, _ what: String, _ error: any Error, logger: Logger) -> APIError {
        let errorID = Hex.encode((0..<4).map { _ in UInt8.random(in: .min ... .max) })
        logger.error("\(what) [error id \(errorID)]: \(error)")
        return APIError(status: .serviceUnavailable, code: code, message: "\(what) (error id \(errorID))")
    }

    var response: Response {
        var response = JSONResponse.make(self.status, object: ["error": ["code": self.code, "message": self.message]])
        // RFC 6750: a 401 names the scheme the client must use.
        if self.status == .unauthorized { response.headers[.wwwAuthenticate] = #"Bearer realm="storegate""# }
        return response
    }
}
